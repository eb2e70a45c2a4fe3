import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeRows, EncodedRows } from '../../src/request-log/codec.js';
import type { LogRow, RequestLogEntry } from '../../src/core/request-logs/columns.js';

function entry(i: number, overrides: Partial<RequestLogEntry> = {}): RequestLogEntry {
  return {
    tokenId: `cmtoken${i}`,
    tokenName: `token ${i}`,
    method: 'GET',
    path: `/api/v1/vaults/${i}`,
    status: 200 + (i % 300),
    ip: `203.0.113.${i % 256}`,
    userAgent: 'codec-test/1.0',
    durationMs: i * 3,
    createdAt: new Date(Date.UTC(2026, 10, 23) + i),
    ...overrides,
  };
}

function row(e: RequestLogEntry): LogRow {
  return [e.tokenId, e.tokenName, e.method, e.path, e.status, e.ip, e.userAgent, e.durationMs, e.createdAt.getTime()];
}

describe("request-log rows as bytes (the SQLite worker's transport)", () => {
  it('round-trips every field, in order', () => {
    const rows = new EncodedRows();
    const entries = Array.from({ length: 50 }, (_, i) => entry(i));
    for (const e of entries) rows.append(e);
    assert.equal(rows.count, 50);
    assert.deepEqual(decodeRows(rows.payload()), entries.map(row));
  });

  it('keeps text that is not ASCII, empty, or as long as the middleware lets through', () => {
    const odd = [
      entry(1, { path: '/api/v1/vaults/café/😀', userAgent: 'Mozilla/5.0 (ünïcødé) ✓', tokenName: 'Équipe données 数据' }),
      entry(2, { userAgent: '', ip: '', path: '' }),
      entry(3, { path: `/${'é'.repeat(2047)}`, userAgent: '😀'.repeat(256) }),
      entry(4, { ip: '::ffff:127.0.0.1', method: 'DELETE', status: 599, durationMs: 86_400_000 }),
      entry(5, { path: `/a${'\u0000'}b`, userAgent: 'tab\there' }),
    ];
    const rows = new EncodedRows(64); // far too small: it must grow
    for (const e of odd) rows.append(e);
    assert.deepEqual(decodeRows(rows.payload()), odd.map(row));
  });

  it('stores a lone surrogate as U+FFFD (UTF-8 has no lone surrogates), and never runs past a length prefix', () => {
    const rows = new EncodedRows();
    rows.append(entry(1, { userAgent: 'x\ud800y' }));
    rows.append(entry(2));
    const [first, second] = decodeRows(rows.payload());
    assert.equal(first![6], 'x\ufffdy');
    assert.deepEqual(second, row(entry(2)));
  });

  it('decodes runs of repeated text, and text that differs from the row before in one byte at the same length', () => {
    const entries = [
      entry(1),
      entry(1),
      entry(1, { tokenId: 'cmtoken2' }),
      entry(1),
      entry(1, { path: '/api/v1/vaults/2' }),
      entry(1, { userAgent: 'codec-test/1.1' }),
      entry(1, { userAgent: 'codec-test/1.1' }),
      entry(1, { method: 'PUT' }),
      entry(1, { tokenName: 'token 1 ' }),
      entry(1, { tokenName: 'token é' }),
      entry(1, { tokenName: 'token è' }),
      entry(1, { ip: '' }),
      entry(1),
    ];
    const rows = new EncodedRows();
    for (const e of entries) rows.append(e);
    assert.deepEqual(decodeRows(rows.payload()), entries.map(row));
  });

  it('drops rows from the front, within and across its growth, and keeps the rest intact', () => {
    const rows = new EncodedRows(256);
    const entries = Array.from({ length: 300 }, (_, i) => entry(i, i % 7 === 0 ? { path: `/ü/${'x'.repeat(i)}` } : {}));
    for (const e of entries) rows.append(e);
    rows.dropFront(1);
    rows.dropFront(120);
    assert.equal(rows.count, 179);
    assert.deepEqual(decodeRows(rows.payload()), entries.slice(121).map(row));
    rows.dropFront(1_000);
    assert.equal(rows.count, 0);
    assert.deepEqual(decodeRows(rows.payload()), []);
  });

  it('is empty again after reset, and reusable', () => {
    const rows = new EncodedRows();
    for (let i = 0; i < 10; i++) rows.append(entry(i));
    rows.reset();
    assert.equal(rows.count, 0);
    assert.equal(rows.payload().length, 0);
    rows.append(entry(42));
    assert.deepEqual(decodeRows(rows.payload()), [row(entry(42))]);
  });
});
