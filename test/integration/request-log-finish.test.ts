// When a request-log row is written: once the response has finished, through the one subscriber
// on Node's 'http.server.response.finish' channel where Node's server reports the end of the
// response, through a listener of the response's own anywhere else. Real HTTP, real database.
import assert from 'node:assert/strict';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { Duplex } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import express from 'express';
import supertest from 'supertest';
import { requestStateOf } from '../../src/http/request-state.js';
import { whenFinished, type FinishTask } from '../../src/http/response-finish.js';
import { CLIENT_CLOSED_REQUEST } from '../../src/http/require-api-token.js';
import { startTestHost, type TestHost } from '../helpers/host.js';

let t: TestHost;
let token: { id: string; secret: string };

/** Runs the requests, then returns the rows they wrote for the test's token. */
async function rowsWritten(requests: () => Promise<unknown>): Promise<{ status: number; path: string }[]> {
  await t.host.apiAccess.flush();
  const last = await t.host.prisma.apiRequestLog.findFirst({ orderBy: { id: 'desc' }, select: { id: true } });
  await requests();
  await t.host.apiAccess.flush();
  return t.host.prisma.apiRequestLog.findMany({
    where: { tokenId: token.id, id: { gt: last?.id ?? 0 } },
    orderBy: { id: 'asc' },
    select: { status: true, path: true },
  });
}

/** An app whose routes report how many 'finish' listeners their response has when the handler runs. */
function probeApp(listeners: number[]): express.Express {
  const app = express();
  const guard = t.host.apiAccess.requireApiToken();
  const handler: express.RequestHandler = (_req, res) => {
    listeners.push(res.listenerCount('finish'));
    res.status(201).json({ ok: true });
  };
  app.get('/once', guard, handler);
  app.get('/twice', guard, guard, handler);
  return app;
}

async function listening(server: http.Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/**
 * One request handed to the app as request injectors and serverless adapters do: a request and a
 * response built by hand on a stand-in socket, no Node server involved.
 */
function injected(app: express.Express, path: string, secret: string): Promise<http.ServerResponse> {
  const socket = new Duplex({ read() {}, write: (_chunk, _encoding, done) => done() }) as Duplex & { remoteAddress: string };
  socket.remoteAddress = '127.0.0.1';
  const req = new http.IncomingMessage(socket as never);
  req.method = 'GET';
  req.url = path;
  req.headers = { host: 'localhost', authorization: `Bearer ${secret}` };
  req.push(null);
  const res = new http.ServerResponse(req);
  res.assignSocket(socket as never);
  return new Promise((resolve) => {
    res.on('finish', () => resolve(res));
    app(req, res);
  });
}

/** One request written into a Node server as a bare stream, as if it had accepted a connection. */
function requestOverStream(server: http.Server, path: string, secret: string): Promise<string> {
  return new Promise((resolve) => {
    let response = '';
    const stream = new Duplex({
      read() {},
      write(chunk: Buffer, _encoding, done) {
        response += chunk.toString('latin1');
        if (/\r\n\r\n[\s\S]*\}$/.test(response)) resolve(response);
        done();
      },
    });
    server.emit('connection', stream);
    stream.push(`GET ${path} HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${secret}\r\nConnection: keep-alive\r\n\r\n`);
  });
}

/** An app whose /hang route, behind the guard, never answers: it reports each request it holds. */
function hangingApp(guard: express.RequestHandler, held: () => void): express.Express {
  const app = express();
  app.get('/hang', guard, () => held());
  // A connection already destroyed when the guard runs (an earlier middleware gave up on it).
  app.get(
    '/gone',
    (req, _res, next) => {
      req.socket.destroy();
      next();
    },
    guard,
    (_req, res) => {
      res.json({ ok: true });
    },
  );
  return app;
}

/** Resolves once `count` requests are held. */
function holding(count: number): { held: () => void; all: Promise<void> } {
  let seen = 0;
  let done!: () => void;
  const all = new Promise<void>((resolve) => (done = resolve));
  return { held: () => ++seen === count && done(), all };
}

/** Raw HTTP/1.1 requests on one connection (pipelined when more than one), written at once. */
async function connect(url: string, paths: string[], secret: string): Promise<net.Socket> {
  const { hostname, port } = new URL(url);
  const socket = net.connect(Number(port), hostname);
  await new Promise<void>((resolve) => socket.once('connect', resolve));
  socket.on('error', () => {});
  socket.write(paths.map((path) => `GET ${path} HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${secret}\r\n\r\n`).join(''));
  return socket;
}

/** The rows of the test's token with this path, polled until there are `count` (or 5 s pass). */
async function rowsFor(path: string, count: number): Promise<{ status: number; path: string }[]> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    await t.host.apiAccess.flush();
    const rows = await t.host.prisma.apiRequestLog.findMany({
      where: { tokenId: token.id, path },
      orderBy: { id: 'asc' },
      select: { status: true, path: true },
    });
    if (rows.length >= count || Date.now() > deadline) return rows;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('request-log rows are written when the response finishes', () => {
  before(async () => {
    t = await startTestHost();
    const created = await t.host.apiAccess.service.create(t.superAdmin, {
      name: 'finish test token',
      roleIds: [t.roles.vaultSummary],
      expiry: { type: 'days', days: 30 },
    });
    token = { id: created.token.id, secret: created.secret };
  });
  after(async () => t.close());

  it("on a response of Node's server, without a listener of its own: one row with the final status", async () => {
    const listeners: number[] = [];
    const rows = await rowsWritten(() => supertest(probeApp(listeners)).get('/once').set('Authorization', `Bearer ${token.secret}`).expect(201));
    // Node's server listens for 'finish' itself; the middleware added none.
    assert.deepEqual(listeners, [1]);
    assert.deepEqual(rows, [{ status: 201, path: '/once' }]);
  });

  it('two checks on one route write two rows, as two listeners did', async () => {
    const rows = await rowsWritten(() => supertest(probeApp([])).get('/twice').set('Authorization', `Bearer ${token.secret}`).expect(201));
    assert.deepEqual(rows, [
      { status: 201, path: '/twice' },
      { status: 201, path: '/twice' },
    ]);
  });

  it("on a server given its own ServerResponse class, which Node's server reports too: no listener of its own", async () => {
    const listeners: number[] = [];
    class CustomResponse<Request extends http.IncomingMessage = http.IncomingMessage> extends http.ServerResponse<Request> {}
    const server = http.createServer({ ServerResponse: CustomResponse }, probeApp(listeners));
    try {
      const url = await listening(server);
      const rows = await rowsWritten(() => supertest(url).get('/once').set('Authorization', `Bearer ${token.secret}`).expect(201));
      assert.deepEqual(listeners, [1], "Node's listener only");
      assert.deepEqual(rows, [{ status: 201, path: '/once' }]);
    } finally {
      server.close();
    }
  });

  it('on a Node server fed a bare stream, which it reports too', async () => {
    const listeners: number[] = [];
    const server = http.createServer(probeApp(listeners));
    let response = '';
    const rows = await rowsWritten(async () => {
      response = await requestOverStream(server, '/once', token.secret);
    });
    assert.match(response, /^HTTP\/1\.1 201 /);
    assert.deepEqual(listeners, [1], "Node's listener only");
    assert.deepEqual(rows, [{ status: 201, path: '/once' }]);
  });

  it('on a request injected without a Node server, through a listener on the response', async () => {
    const listeners: number[] = [];
    let status = 0;
    const rows = await rowsWritten(async () => {
      status = (await injected(probeApp(listeners), '/once', token.secret)).statusCode;
    });
    assert.equal(status, 201);
    assert.deepEqual(listeners, [2], "the injector's own and the middleware's");
    assert.deepEqual(rows, [{ status: 201, path: '/once' }]);
  });

  it('a task that throws is told so, and nothing escapes as an uncaught exception', async () => {
    const uncaught: unknown[] = [];
    const onUncaught = (error: unknown) => uncaught.push(error);
    process.on('uncaughtException', onUncaught);
    const failures: unknown[] = [];
    const ran: string[] = [];
    const app = express();
    app.get('/', (req, res) => {
      const throwing: FinishTask = {
        next: null,
        finished: () => {
          ran.push('throwing');
          throw new Error('task failed');
        },
        failed: (error) => failures.push(error),
      };
      const fine: FinishTask = { next: null, finished: () => ran.push('fine'), failed: (error) => failures.push(error) };
      whenFinished(req.socket, res, requestStateOf(res), fine);
      whenFinished(req.socket, res, requestStateOf(res), throwing);
      res.json({});
    });
    try {
      await supertest(app).get('/').expect(200);
      await new Promise((resolve) => setTimeout(resolve, 20));
    } finally {
      process.off('uncaughtException', onUncaught);
    }
    assert.deepEqual(ran.sort(), ['fine', 'throwing'], 'the other task still ran');
    assert.equal(failures.length, 1);
    assert.equal((failures[0] as Error).message, 'task failed');
    assert.deepEqual(uncaught, []);
  });

  it('a client that goes away before the response: one row, status 499', async () => {
    const { held, all } = holding(1);
    const server = http.createServer(hangingApp(t.host.apiAccess.requireApiToken(), held));
    try {
      const url = await listening(server);
      const client = await connect(url, ['/hang'], token.secret);
      await all;
      client.destroy();
      assert.deepEqual(await rowsFor('/hang', 1), [{ status: CLIENT_CLOSED_REQUEST, path: '/hang' }]);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('pipelined requests on a connection that closes: a row for each unfinished one', async () => {
    const { held, all } = holding(2);
    const server = http.createServer(hangingApp(t.host.apiAccess.requireApiToken(), held));
    try {
      const url = await listening(server);
      const client = await connect(url, ['/hang?first', '/hang?second'], token.secret);
      await all;
      client.destroy();
      const rows = await rowsFor('/hang', 3);
      // The previous test's row, then this connection's two.
      assert.deepEqual(rows.slice(1), [
        { status: CLIENT_CLOSED_REQUEST, path: '/hang' },
        { status: CLIENT_CLOSED_REQUEST, path: '/hang' },
      ]);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('a connection destroyed before the check: its row at once, status 499', async () => {
    const server = http.createServer(hangingApp(t.host.apiAccess.requireApiToken(), () => {}));
    try {
      const url = await listening(server);
      const client = await connect(url, ['/gone'], token.secret);
      await new Promise((resolve) => client.once('close', resolve));
      assert.deepEqual(await rowsFor('/gone', 1), [{ status: CLIENT_CLOSED_REQUEST, path: '/gone' }]);
    } finally {
      server.close();
    }
  });

  it('a request injected without a Node server whose response is destroyed: status 499, through its close', async () => {
    const app = express();
    app.get('/injected-gone', t.host.apiAccess.requireApiToken(), (_req, res) => {
      res.destroy();
    });
    const socket = new Duplex({ read() {}, write: (_chunk, _encoding, done) => done() }) as Duplex & { remoteAddress: string };
    socket.remoteAddress = '127.0.0.1';
    const req = new http.IncomingMessage(socket as never);
    req.method = 'GET';
    req.url = '/injected-gone';
    req.headers = { host: 'localhost', authorization: `Bearer ${token.secret}` };
    req.push(null);
    const res = new http.ServerResponse(req);
    res.assignSocket(socket as never);
    app(req, res);
    assert.deepEqual(await rowsFor('/injected-gone', 1), [{ status: CLIENT_CLOSED_REQUEST, path: '/injected-gone' }]);
  });
});

describe('the request-log screen', () => {
  it('says what status 499 means, where the status is shown', async () => {
    const s = await startTestHost({ seed: false });
    try {
      const status = s.host.admin.findResource('ApiRequestLog').decorate().getPropertyByKey('status');
      assert.match(status?.toJSON('list').description ?? '', new RegExp(`${CLIENT_CLOSED_REQUEST}: the connection closed before the response`));
    } finally {
      await s.close();
    }
  });
});

describe('a graceful shutdown logs the requests it cut short', () => {
  let s: TestHost;
  after(async () => s.close());

  it('connections closed, then close(): the in-flight request has its row', async () => {
    s = await startTestHost();
    const created = await s.host.apiAccess.service.create(s.superAdmin, {
      name: 'shutdown test token',
      roleIds: [s.roles.vaultSummary],
      expiry: { type: 'days', days: 30 },
    });
    const { held, all } = holding(1);
    const server = http.createServer(hangingApp(s.host.apiAccess.requireApiToken(), held));
    const url = await listening(server);
    await connect(url, ['/hang'], created.secret);
    await all;
    // The example host's shutdown: stop accepting, close every connection, then close the plugin.
    server.close();
    server.closeAllConnections();
    await s.host.apiAccess.close();
    const rows = await s.host.prisma.apiRequestLog.findMany({ where: { tokenId: created.token.id }, select: { status: true, path: true } });
    assert.deepEqual(rows, [{ status: CLIENT_CLOSED_REQUEST, path: '/hang' }]);
  });
});
