import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';

export interface SigningKey {
  id: string;
  privateKey: KeyObject;
  publicPem: string;
}

/** A fresh ECDSA P-256 key pair with a GitHub-style key identifier (64 hex characters). */
export function newSigningKey(): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return { id: randomBytes(32).toString('hex'), privateKey, publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}

/** GitHub's scheme: ECDSA over SHA-256 of the exact body, DER, base64. */
export function signReport(body: string | Buffer, key: SigningKey): string {
  return sign('sha256', typeof body === 'string' ? Buffer.from(body) : body, { key: key.privateKey, dsaEncoding: 'der' }).toString('base64');
}

/**
 * A stand-in for https://api.github.com/meta/public_keys/secret_scanning on loopback: serves
 * its keys in GitHub's JSON shape, counts requests, and can be stopped and started again on the
 * same port to play an outage.
 */
export class TestKeyServer {
  readonly keys: SigningKey[] = [];
  requests = 0;
  private server: Server;
  private port = 0;

  private constructor() {
    this.server = this.create();
  }

  static async start(keyCount = 1): Promise<TestKeyServer> {
    const server = new TestKeyServer();
    for (let i = 0; i < keyCount; i++) server.keys.push(newSigningKey());
    await server.listen(0);
    return server;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/meta/public_keys/secret_scanning`;
  }

  /** The key GitHub marks current: the last one added. */
  get current(): SigningKey {
    return this.keys[this.keys.length - 1]!;
  }

  /** A new key, published from now on (GitHub rotating its keys). */
  rotate(): SigningKey {
    const key = newSigningKey();
    this.keys.push(key);
    return key;
  }

  private create(): Server {
    return createServer((req, res) => {
      this.requests++;
      const body = JSON.stringify({
        public_keys: this.keys.map((key, i) => ({ key_identifier: key.id, key: key.publicPem, is_current: i === this.keys.length - 1 })),
      });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(req.method === 'HEAD' ? undefined : body);
    });
  }

  private listen(port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => {
        this.server.off('error', reject);
        this.port = (this.server.address() as AddressInfo).port;
        resolve();
      });
    });
  }

  /** Stops listening: fetches are refused until `restart()`. */
  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  async restart(): Promise<void> {
    this.server = this.create();
    await this.listen(this.port);
  }
}
