import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { installRequestTokenAccessor } from '../../src/http/request-state.js';

const token = Object.freeze({ id: 't1', name: 'one', ownerId: 'o', ownerEmail: 'o@example.com', scopes: Object.freeze(['a:read']) });

describe('req.apiToken accessor', () => {
  installRequestTokenAccessor();

  it('keeps the token in res.locals under a symbol when Express has set up the response', () => {
    const req = new IncomingMessage(new Socket()) as IncomingMessage & { res?: { locals: object }; apiToken?: unknown };
    const locals = Object.create(null) as object;
    req.res = { locals };
    assert.equal(req.apiToken, undefined);
    req.apiToken = token;
    assert.equal(req.apiToken, token);
    assert.equal(Object.hasOwn(req, 'apiToken'), false);
    assert.deepEqual(Object.keys(locals), [], 'no enumerable key: templates and JSON do not see it');
    assert.equal(Object.getOwnPropertySymbols(locals).length, 1);
  });

  it('falls back to a per-request store for a bare IncomingMessage, and keeps requests apart', () => {
    const a = new IncomingMessage(new Socket()) as IncomingMessage & { apiToken?: unknown };
    const b = new IncomingMessage(new Socket()) as IncomingMessage & { apiToken?: unknown };
    a.apiToken = token;
    assert.equal(a.apiToken, token);
    assert.equal(b.apiToken, undefined);
    assert.equal(Object.hasOwn(a, 'apiToken'), false);
    a.apiToken = undefined;
    assert.equal(a.apiToken, undefined);
  });

  it('installs once and leaves an existing definition alone', () => {
    const before = Object.getOwnPropertyDescriptor(IncomingMessage.prototype, 'apiToken');
    installRequestTokenAccessor();
    assert.equal(Object.getOwnPropertyDescriptor(IncomingMessage.prototype, 'apiToken')?.get, before?.get);
  });
});
