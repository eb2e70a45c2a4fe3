import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { asGiven, ERROR_CODES, ERROR_MESSAGES, errorMessage, type ErrorMessageKey } from '../../src/core/error-codes.js';
import { ApiAccessError, apiError, ErrorCodes, fieldError } from '../../src/core/errors.js';

type Entry = { code: string; message: string | ((params: unknown) => string) };
const entries = Object.entries(ERROR_MESSAGES) as Array<[ErrorMessageKey, Entry]>;

/**
 * Parameters for any message: every parameter is ['x'], which reads as the text "x", joins,
 * maps and has a length, so each function renders its own wording around placeholders.
 */
const SAMPLE = new Proxy({}, { get: () => ['x'] });
const render = (entry: Entry): string => (typeof entry.message === 'string' ? entry.message : String(entry.message(SAMPLE)));

/**
 * Messages whose end is not written in the table: passed on as given (a schema's rule, the host's
 * hint), several fields' messages in a row, or INVALID_OPTIONS listings, whose last line is an
 * option issue (`path: problem`, worded like zod's, without a full stop).
 */
const ENDS_ELSEWHERE = new Set<ErrorMessageKey>(['fieldRule', 'namePatternHint', 'fieldsNeedChange', 'invalidOptions', 'rolesOutsideAllowedScopes']);

describe('the table of error codes', () => {
  it('gives every code an HTTP error status and a one-line meaning', () => {
    for (const [code, { status, meaning }] of Object.entries(ERROR_CODES)) {
      assert.ok(Number.isInteger(status) && status >= 400 && status <= 599, `${code}: status ${status}`);
      assert.match(meaning, /^\S.*\.$/, `${code}: meaning`);
      assert.doesNotMatch(meaning, /\n/, `${code}: meaning on one line`);
    }
  });

  it('is the stable list ErrorCodes, each code once, and the status ApiAccessError reports', () => {
    assert.deepEqual([...ErrorCodes], Object.keys(ERROR_CODES));
    assert.equal(new Set(ErrorCodes).size, ErrorCodes.length);
    for (const code of ErrorCodes) {
      assert.match(code, /^[A-Z]+(?:_[A-Z]+)*$/);
      assert.equal(new ApiAccessError(code, 'x').httpStatus, ERROR_CODES[code].status, code);
    }
  });
});

describe('the table of error messages', () => {
  it('holds messages, each under a camelCase name and a known code', () => {
    assert.ok(entries.length > 50, `${entries.length} messages`);
    for (const [key, entry] of entries) {
      assert.match(key, /^[a-z][a-zA-Z0-9]*$/, key);
      assert.ok(Object.hasOwn(ERROR_CODES, entry.code), `${key}: unknown code ${entry.code}`);
      assert.ok(typeof entry.message === 'string' || typeof entry.message === 'function', key);
      assert.ok(render(entry).trim().length > 0, key);
    }
  });

  it('writes each message once: no two names with the same text', () => {
    const seen = new Map<string, ErrorMessageKey>();
    for (const [key, entry] of entries) {
      if (entry.message === asGiven) continue; // worded elsewhere
      const text = render(entry);
      assert.equal(seen.get(text), undefined, `${key} repeats ${seen.get(text)}: ${text}`);
      seen.set(text, key);
    }
  });

  it('ends every message it words with a full stop (or ? or !)', () => {
    for (const key of ENDS_ELSEWHERE) assert.ok(Object.hasOwn(ERROR_MESSAGES, key), `${key} is in the table`);
    for (const [key, entry] of entries) {
      if (ENDS_ELSEWHERE.has(key)) continue;
      assert.match(render(entry), /[.!?]$/, key);
    }
  });

  it('fills in parameters and builds errors with the code, fields and cause', () => {
    assert.equal(errorMessage('sessionEnded'), 'Sign in again: your session has ended.');
    assert.equal(errorMessage('unknownRoleIds', { ids: ['a', 'b'] }), 'Unknown role ids: a, b.');

    const error = apiError('tokenLimitReached', { active: 5, max: 5 });
    assert.ok(error instanceof ApiAccessError);
    assert.equal(error.code, 'TOKEN_LIMIT_REACHED');
    assert.equal(error.httpStatus, 409);
    assert.equal(error.message, 'This owner already has 5 active tokens, the most allowed is 5. Disable or delete one first.');
    assert.deepEqual(error.fields, {});

    const cause = new Error('down');
    assert.equal(apiError('storeUnreachable', undefined, { cause }).cause, cause);
    assert.equal(apiError('findByIdFailed', { id: '7', reason: 'down' }, { cause }).cause, cause);

    const field = fieldError('name', 'tokenNameTaken', { name: 'ci' });
    const message = 'A token named "ci" already exists. Choose another name.';
    assert.equal(field.code, 'NAME_TAKEN');
    assert.equal(field.message, message);
    assert.deepEqual(field.fields, { name: { code: 'NAME_TAKEN', message } });
  });

  it('is typed: a wrong name or wrong parameters do not compile (checked by npm run typecheck)', () => {
    const neverCalled = () => {
      // @ts-expect-error: no message has this name
      apiError('noSuchMessage');
      // @ts-expect-error: a code is not a message name
      fieldError('name', 'NAME_TAKEN');
      // @ts-expect-error: tokenNameTaken needs { name }
      apiError('tokenNameTaken');
      // @ts-expect-error: tokenNameTaken's parameter is name
      fieldError('name', 'tokenNameTaken', { nom: 'ci' });
      // @ts-expect-error: a fixed message takes no parameters
      errorMessage('sessionEnded', { name: 'ci' });
    };
    assert.equal(typeof neverCalled, 'function');
  });
});

/** Every .ts/.tsx file under src/, relative to it. */
function sourceFiles(root: string): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (/\.tsx?$/.test(name) && !name.endsWith('.d.ts')) files.push(path.relative(root, full).split(path.sep).join('/'));
    }
  };
  walk(root);
  return files;
}

/** An argument before the message: a quoted string or an expression without commas or parentheses. */
const ARG = String.raw`\s*(?:'[^']*'|"[^"]*"|[^,()'"\x60]+)\s*,`;
/** `new ApiAccessError(code, <literal>` and `ApiAccessError.field(field, code, <literal>`: a message written at the throw site. */
const WRITTEN_MESSAGE = new RegExp(String.raw`new\s+ApiAccessError\(${ARG}\s*['"\x60]|ApiAccessError\.field\(${ARG}${ARG}\s*['"\x60]`, 'g');

/** The one file that writes messages: the table itself. */
const MAY_WRITE = (file: string) => file === 'core/error-codes.ts';

describe('messages are written only in error-codes.ts', () => {
  it('recognises a message written at a throw site', () => {
    const written = [
      "throw new ApiAccessError('NOT_FOUND', 'No such token.');",
      'throw new ApiAccessError(\n  code,\n  `No token with id x.`,\n);',
      'throw ApiAccessError.field(field, \'INVALID_INPUT\', "Give a token id.");',
      "throw ApiAccessError.field(\n  'id',\n  'NOT_FOUND',\n  `No token with id x.`,\n);",
    ];
    for (const text of written) assert.equal(text.match(WRITTEN_MESSAGE)?.length, 1, text);
    const fromTable = [
      'throw new ApiAccessError(first.code, first.message, this.errors);',
      'throw new ApiAccessError(ERROR_MESSAGES[key].code, errorMessage(key, params), {}, options);',
      'return ApiAccessError.field(field, ERROR_MESSAGES[key].code, errorMessage(key, ...args));',
      "throw fieldError('id', 'tokenNotFound', { id });",
    ];
    for (const text of fromTable) assert.equal(text.match(WRITTEN_MESSAGE), null, text);
  });

  it('finds no ApiAccessError in src/ built with a message written in place', () => {
    const files = sourceFiles(path.resolve('src'));
    assert.ok(files.includes('core/errors.ts') && files.includes('core/tokens/guards.ts'), 'reads src/');
    const written: string[] = [];
    for (const file of files) {
      if (MAY_WRITE(file)) continue;
      const text = readFileSync(path.join('src', file), 'utf8');
      for (const match of text.matchAll(WRITTEN_MESSAGE)) {
        const line = text.slice(0, match.index).split('\n').length;
        written.push(`src/${file}:${line}: ${match[0].replace(/\s+/g, ' ')}`);
      }
    }
    assert.deepEqual(written, []);
  });

  it("README.md's Errors section names every code", () => {
    const readme = readFileSync('README.md', 'utf8');
    const section = readme.slice(readme.indexOf('## Errors'), readme.indexOf('\n## ', readme.indexOf('## Errors') + 1));
    const named = new Set([...section.matchAll(/`([A-Z_]+)`/g)].map((m) => m[1]));
    assert.deepEqual(
      Object.keys(ERROR_CODES).filter((code) => !named.has(code)),
      [],
    );
  });
});
