// Fuzzing the sample API's Authorization header: 40,000 generated headers (FUZZ_REQUESTS for more) (random bytes,
// near-misses of a real secret with one character changed, wrong prefix, wrong checksum,
// well-formed unknown tokens, huge headers, unicode, other schemes, repeated header lines, and raw
// bytes no HTTP client would send) against the example host running in a child process on a real
// socket. None may be accepted, none may get a 5xx, the host logs no problem, stays up and answers
// the real secret afterwards, and its heap after a full GC stays flat once the verification cache
// is full. Deterministic: a seeded PRNG (FUZZ_SEED overrides the seed; it is printed).
import assert from 'node:assert/strict';
import { fork, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { crc32 } from 'node:zlib';
import type { ChildMemory, ChildReady } from '../helpers/security-api-child.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20_261_123) >>> 0;
const HEADER_REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 40_000);
const RAW_REQUESTS = 2_000;
const CONCURRENCY = 32;
const SAMPLE_EVERY = 5_000;
/** Heap growth allowed after the warm-up (the cache is full by then): a leak of 300 bytes a request over the 30,000 after it would pass 9 MB. */
const HEAP_BOUND = 8 * 1024 * 1024;
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const PREFIX = 'aat';

/** mulberry32: small, fast, and the same sequence for the same seed everywhere. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const int = (n: number) => Math.floor(next() * n);
  return { next, int, pick: <T>(items: readonly T[]): T => items[int(items.length)]!, chance: (p: number) => next() < p };
}
type Rng = ReturnType<typeof prng>;

function checksum(body: string): string {
  let value = crc32(body) >>> 0;
  let out = '';
  for (let i = 0; i < 6; i++) {
    out = ALPHABET[value % 62] + out;
    value = Math.floor(value / 62);
  }
  return out;
}

const withChecksum = (body: string) => body + checksum(body);
const randomBody = (rng: Rng, prefix = PREFIX) => `${prefix}_${Array.from({ length: 22 }, () => rng.pick([...ALPHABET])).join('')}`;
/** Bytes a Node HTTP client accepts in a header value (tab, printable ASCII, 0x80-0xFF), as a latin1 string. */
const headerByte = (rng: Rng) =>
  rng.chance(0.05) ? '\t' : rng.chance(0.7) ? String.fromCharCode(0x20 + rng.int(0x5f)) : String.fromCharCode(0x80 + rng.int(0x80));
const utf8 = (text: string) => Buffer.from(text, 'utf8').toString('latin1');

/** One generated request: the Authorization header lines it sends. */
interface Probe {
  category: string;
  lines: string[];
}

function generators(secret: string): Record<string, (rng: Rng) => string[]> {
  const body = secret.slice(0, -6);
  const at = (rng: Rng) => rng.int(secret.length);
  const bearer = (token: string) => [`Bearer ${token}`];
  return {
    'random bytes': (rng) => [Array.from({ length: rng.int(200) }, () => headerByte(rng)).join('')],
    'random bytes after Bearer': (rng) =>
      bearer(
        Array.from({ length: 1 + rng.int(120) }, () => headerByte(rng))
          .join('')
          .trim() || 'x',
      ),
    'near-miss: one character replaced': (rng) => {
      const i = at(rng);
      const c = rng.pick([...ALPHABET].filter((ch) => ch !== secret[i]));
      return bearer(secret.slice(0, i) + c + secret.slice(i + 1));
    },
    'near-miss: one character outside the alphabet': (rng) => {
      const i = at(rng);
      return bearer(secret.slice(0, i) + rng.pick(['-', '.', '~', '+', '/', '=', '_', '%', '!', '*'].filter((ch) => ch !== secret[i])) + secret.slice(i + 1));
    },
    'near-miss: one character dropped or added': (rng) => {
      const i = at(rng);
      return bearer(rng.chance(0.5) ? secret.slice(0, i) + secret.slice(i + 1) : secret.slice(0, i) + rng.pick([...ALPHABET]) + secret.slice(i));
    },
    'near-miss: case of one letter flipped': (rng) => {
      const letters = [...secret].map((c, i) => (/[a-zA-Z]/.test(c) ? i : -1)).filter((i) => i >= 0);
      const i = rng.pick(letters);
      const c = secret[i]!;
      return bearer(secret.slice(0, i) + (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()) + secret.slice(i + 1));
    },
    'near-miss: one character replaced, checksum recomputed (well-formed, unknown)': (rng) => {
      const i = PREFIX.length + 1 + rng.int(22);
      const c = rng.pick([...ALPHABET].filter((ch) => ch !== body[i]));
      return bearer(withChecksum(body.slice(0, i) + c + body.slice(i + 1)));
    },
    'wrong prefix': (rng) => {
      const prefix = rng.pick(['aau', 'AAT', 'aa', 'aatt', 'xyz', 'sk_live', 'ghp', 'a']);
      return bearer(rng.chance(0.5) ? withChecksum(`${prefix}${secret.slice(PREFIX.length, -6)}`) : `${prefix}${secret.slice(PREFIX.length)}`);
    },
    'wrong separator': (rng) => bearer(`${PREFIX}${rng.pick(['-', '.', '', '__', ':'])}${secret.slice(PREFIX.length + 1)}`),
    'wrong checksum': (rng) => bearer(body + Array.from({ length: 6 }, () => rng.pick([...ALPHABET])).join('')),
    'well-formed unknown token': (rng) => bearer(withChecksum(randomBody(rng))),
    'huge header': (rng) => {
      const length = rng.pick([513, 1_000, 4_096, 8_000, 15_000, 17_000, 40_000, 65_000]);
      return bearer((rng.chance(0.5) ? secret : '') + 'A'.repeat(length));
    },
    unicode: (rng) => {
      const glyphs = ['é', 'ß', 'а', 'о', 'е', 'Ａ', '０', '\u200b', '\u200f', '\u202e', '\u0301', '😀', '𝐚', '\ufeff', '\u00a0', '\u2028'];
      const i = at(rng);
      const text = rng.chance(0.5)
        ? secret.slice(0, i) + rng.pick(glyphs) + secret.slice(i + 1)
        : Array.from({ length: 1 + rng.int(40) }, () => rng.pick(glyphs)).join('');
      return [utf8(`${rng.pick(['Bearer ', 'Bеarer ', 'BEARER ', ''])}${text}`)];
    },
    'other scheme or spacing': (rng) => [
      rng.pick([
        `Basic ${Buffer.from(`${secret}:`).toString('base64')}`,
        `Token ${secret.slice(0, -1)}x`,
        'Bearer',
        'Bearer ',
        `Bearer ${secret.slice(0, -1)}x extra`,
        `Bearer\t${secret.slice(0, -1)}x`,
        `${secret.slice(0, -2)}xx`,
        `Bearer ${withChecksum(randomBody(rng))},${withChecksum(randomBody(rng))}`,
        `Bearer "${secret}"`,
        `Bearer ${secret}=`,
        `Bearer=${secret}`,
        `Bearer ${Buffer.from(secret).toString('base64')}`,
      ]),
    ],
    'repeated header lines': (rng) => {
      const fake = () => `Bearer ${withChecksum(randomBody(rng))}`;
      // Node keeps only the first Authorization line: the real secret in a later line must not count.
      return rng.chance(0.5) ? [fake(), `Bearer ${secret}`] : [fake(), fake(), ...(rng.chance(0.3) ? [`Bearer ${secret}`] : [])];
    },
    'empty header': () => [''],
  };
}

/** Raw requests no HTTP client library would send; the host must refuse them and stay up. */
function rawRequest(rng: Rng, port: number, secret: string): Buffer {
  const head = `GET /api/v1/vaults HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n`;
  const control = () => String.fromCharCode(rng.pick([0, 1, 8, 11, 12, 27, 127]));
  const variants = [
    () =>
      Buffer.concat([
        Buffer.from(`${head}Authorization: Bearer `),
        Buffer.from(Array.from({ length: 1 + rng.int(80) }, () => rng.int(256)).filter((b) => b !== 10 && b !== 13)),
        Buffer.from('\r\n\r\n'),
      ]),
    () => Buffer.from(`${head}Authorization: Bearer ${secret.slice(0, 10)}${control()}${secret.slice(11)}\r\n\r\n`, 'latin1'),
    () => Buffer.from(`${head}Authorization: Bearer\r\n ${withChecksum(randomBody(rng))}\r\n\r\n`), // obsolete line folding
    () => Buffer.from(`${head}Authorization: Bearer ${withChecksum(randomBody(rng))}\nX-Injected: 1\r\n\r\n`), // bare LF
    () => Buffer.from(`${head}Authorization : Bearer ${withChecksum(randomBody(rng))}\r\n\r\n`), // space before the colon
    () => Buffer.from(`${head}Authorization: Bearer ${withChecksum(randomBody(rng))}\r\nAuthorization: Bearer ${secret}\r\n\r\n`),
    () => Buffer.from(`${head}Authorization: Bearer ${'A'.repeat(70_000 + rng.int(10_000))}\r\n\r\n`),
    () => Buffer.from(`${head}${Array.from({ length: 200 }, (_, i) => `Authorization: Bearer x${i}\r\n`).join('')}\r\n`),
  ];
  return rng.pick(variants)();
}

interface Tally {
  byStatus: Map<number, number>;
  byCategory: Map<string, Map<number, number>>;
  accepted: string[];
  serverErrors: string[];
  clientErrors: Map<string, number>;
}

function count<K>(map: Map<K, number>, key: K): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

// The host in the child runs on SQLite either way: the PostgreSQL run of the suite skips this file.

describe('fuzzing the Authorization header of the sample API', { timeout: 180_000 }, () => {
  let child: ChildProcess;
  let ready: ChildReady;
  const memory: Array<ChildMemory & { after: number }> = [];
  const tally: Tally = { byStatus: new Map(), byCategory: new Map(), accepted: [], serverErrors: [], clientErrors: new Map() };
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });

  function ask<T extends { type: string }>(message: { type: string }, answer: T['type']): Promise<T> {
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`the host exited (${code})`));
      const onMessage = (m: T) => {
        if (m.type !== answer) return;
        child.off('message', onMessage);
        child.off('exit', onExit);
        resolve(m);
      };
      child.on('message', onMessage);
      child.once('exit', onExit);
      child.send(message);
    });
  }

  function get(lines: string[], path = '/api/v1/vaults'): Promise<number> {
    return new Promise((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port: ready.port, path, agent }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      });
      if (lines.length === 1) req.setHeader('Authorization', lines[0]!);
      else if (lines.length > 1) req.setHeader('Authorization', lines); // one header line per value
      req.on('error', reject);
      req.end();
    });
  }

  function raw(bytes: Buffer): Promise<number> {
    return new Promise((resolve) => {
      const socket = net.connect(ready.port, '127.0.0.1');
      let reply = '';
      socket.setTimeout(10_000, () => socket.destroy());
      socket.on('data', (chunk) => (reply += chunk.toString('latin1')));
      socket.on('error', () => undefined); // the host may close the connection while we still write
      socket.on('close', () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(reply)?.[1] ?? 0)));
      socket.end(bytes);
    });
  }

  before(async () => {
    child = fork(path.join(import.meta.dirname, '..', 'helpers', 'security-api-child.ts'), [], {
      execArgv: ['--expose-gc', '--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    ready = await new Promise<ChildReady>((resolve, reject) => {
      child.once('message', (m: ChildReady) => resolve(m));
      child.once('exit', (code) => reject(new Error(`the host exited before it was ready (${code})`)));
    });
  });

  after(async () => {
    agent.destroy();
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.send({ type: 'stop' });
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it(`sends ${HEADER_REQUESTS.toLocaleString('en')} generated headers and ${RAW_REQUESTS.toLocaleString('en')} raw requests: none accepted, no 5xx, memory flat`, async (t) => {
    t.diagnostic(`FUZZ_SEED=${SEED}`);
    console.log(`[security-fuzz] FUZZ_SEED=${SEED} (set FUZZ_SEED to replay another sequence)`);
    const rng = prng(SEED);
    assert.equal(await get([`Bearer ${ready.secret}`]), 200, 'the real secret is accepted: the fuzz can tell acceptance apart');
    const gens = Object.entries(generators(ready.secret));
    const started = performance.now();
    let sent = 0;
    memory.push({ ...(await ask<ChildMemory>({ type: 'memory' }, 'memory')), after: 0 });

    const one = async (probe: Probe) => {
      try {
        const status = await get(probe.lines);
        count(tally.byStatus, status);
        if (!tally.byCategory.has(probe.category)) tally.byCategory.set(probe.category, new Map());
        count(tally.byCategory.get(probe.category)!, status);
        const shown = `${probe.category}: ${JSON.stringify(probe.lines).slice(0, 160)}`;
        if (status >= 200 && status < 300) tally.accepted.push(shown);
        if (status >= 500) tally.serverErrors.push(`${status} ${shown}`);
      } catch (error) {
        count(tally.clientErrors, `${probe.category}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
      }
    };
    while (sent < HEADER_REQUESTS) {
      const batch = Math.min(SAMPLE_EVERY, HEADER_REQUESTS - sent);
      const probes: Probe[] = Array.from({ length: batch }, () => {
        const [category, make] = rng.pick(gens);
        return { category, lines: make(rng) };
      });
      let next = 0;
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next < probes.length) await one(probes[next++]!);
        }),
      );
      sent += batch;
      memory.push({ ...(await ask<ChildMemory>({ type: 'memory' }, 'memory')), after: sent });
    }

    const rawStatuses = new Map<number, number>();
    const rawProbes = Array.from({ length: RAW_REQUESTS }, () => rawRequest(rng, ready.port, ready.secret));
    let nextRaw = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (nextRaw < rawProbes.length) count(rawStatuses, await raw(rawProbes[nextRaw++]!));
      }),
    );
    memory.push({ ...(await ask<ChildMemory>({ type: 'memory' }, 'memory')), after: sent + RAW_REQUESTS });
    const seconds = (performance.now() - started) / 1000;

    const mb = (n: number) => (n / 1024 / 1024).toFixed(1);
    t.diagnostic(
      `${sent + RAW_REQUESTS} requests in ${seconds.toFixed(1)} s; statuses ${JSON.stringify(Object.fromEntries(tally.byStatus))}; raw ${JSON.stringify(Object.fromEntries(rawStatuses))}`,
    );
    t.diagnostic(
      `heap after GC (MB) per ${SAMPLE_EVERY / 1000}k: ${memory.map((m) => mb(m.heapUsed)).join(' ')}; rss ${memory.map((m) => mb(m.rss)).join(' ')}; cache ${memory.at(-1)!.cacheSize}/${ready.maxCacheEntries}`,
    );
    for (const [category, statuses] of tally.byCategory) t.diagnostic(`  ${category}: ${JSON.stringify(Object.fromEntries(statuses))}`);

    assert.deepEqual(tally.accepted, [], 'no generated header is accepted');
    assert.deepEqual(tally.serverErrors, [], 'no 5xx');
    assert.deepEqual(Object.fromEntries(tally.clientErrors), {}, 'every request got an answer');
    assert.deepEqual(
      [...tally.byStatus.keys()].filter((s) => ![401, 431].includes(s)),
      [],
      'only 401 (and 431 for headers over 16 KB)',
    );
    assert.ok((tally.byStatus.get(401) ?? 0) > HEADER_REQUESTS * 0.9);
    assert.ok(
      gens.every(([category]) => (tally.byCategory.get(category)?.size ?? 0) > 0),
      'every category was sent',
    );
    assert.deepEqual(
      [...rawStatuses.keys()].filter((s) => ![0, 400, 401, 431].includes(s)),
      [],
      `raw requests: ${JSON.stringify(Object.fromEntries(rawStatuses))}`,
    );
    assert.equal(rawStatuses.get(200) ?? 0, 0);
    assert.deepEqual(
      memory.flatMap((m) => m.problems),
      [],
      'the host logged no warning or error',
    );

    // Still up, and still right.
    assert.equal(child.exitCode, null, 'the host process is still running');
    assert.equal(await get([]), 401);
    assert.equal(await get([`Bearer ${ready.secret}`]), 200, 'the real secret still works');
    assert.equal(await get([], '/api/v1/health'), 200);

    // Flat memory: once the verification cache is full (it holds at most maxCacheEntries), the heap
    // after a full collection stays within a few MB, whatever the number of requests.
    const last = memory.at(-1)!;
    assert.ok(last.cacheSize <= ready.maxCacheEntries, `cache ${last.cacheSize} <= ${ready.maxCacheEntries}`);
    const warm = memory.find((m) => m.after >= 2 * SAMPLE_EVERY)!;
    const peak = Math.max(...memory.filter((m) => m.after > warm.after).map((m) => m.heapUsed));
    assert.ok(peak - warm.heapUsed < HEAP_BOUND, `heap grew ${mb(peak - warm.heapUsed)} MB after ${warm.after} requests (bound ${mb(HEAP_BOUND)} MB)`);
  });
});
