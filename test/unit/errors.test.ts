import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ApiAccessError, ErrorCodes, isApiAccessError, type ErrorCode } from '../../src/core/errors.js';

describe('ApiAccessError', () => {
  it('is an Error with a name, code, message and no fields by default', () => {
    const error = new ApiAccessError('NOT_FOUND', 'No such token.');
    assert.ok(error instanceof Error);
    assert.equal(error.name, 'ApiAccessError');
    assert.equal(error.code, 'NOT_FOUND');
    assert.equal(error.message, 'No such token.');
    assert.deepEqual(error.fields, {});
    assert.ok(isApiAccessError(error));
    assert.equal(isApiAccessError(new Error('x')), false);
    assert.equal(isApiAccessError({ code: 'NOT_FOUND', message: 'x' }), false);
  });

  it('field() builds an error carrying one field error with the same code', () => {
    const error = ApiAccessError.field('name', 'NAME_TAKEN', 'Taken.');
    assert.equal(error.code, 'NAME_TAKEN');
    assert.equal(error.message, 'Taken.');
    assert.deepEqual(error.fields, { name: { code: 'NAME_TAKEN', message: 'Taken.' } });
  });

  it('serialises to code, message and a copy of fields', () => {
    const error = ApiAccessError.field('expiry', 'EXPIRY_IN_PAST', 'Past.');
    const json = error.toJSON();
    assert.deepEqual(json, { code: 'EXPIRY_IN_PAST', message: 'Past.', fields: { expiry: { code: 'EXPIRY_IN_PAST', message: 'Past.' } } });
    assert.notEqual(json.fields, error.fields);
    assert.deepEqual(JSON.parse(JSON.stringify(error)), json);
  });

  it('maps every code to an HTTP status', () => {
    const expected: Record<ErrorCode, number> = {
      INVALID_INPUT: 422,
      INVALID_OPTIONS: 500,
      HOST_MISCONFIGURED: 500,
      NAME_TAKEN: 409,
      NAME_PATTERN: 422,
      EXPIRY_IN_PAST: 422,
      EXPIRY_TOO_FAR: 422,
      EXPIRY_REQUIRED: 422,
      EXPIRY_NOT_ALLOWED: 422,
      INVALID_CIDR: 422,
      UNKNOWN_ROLE: 422,
      UNKNOWN_SCOPE: 422,
      ROLE_IN_USE: 409,
      TOKEN_LIMIT_REACHED: 409,
      USER_NOT_FOUND: 404,
      OWNER_NEVER_SIGNED_IN: 422,
      NOT_SUPER_ADMIN: 422,
      EDIT_FORBIDDEN: 403,
      INVALID_STATE: 409,
      NOT_FOUND: 404,
      FORBIDDEN: 403,
      DATABASE_UNAVAILABLE: 503,
      SEARCH_TOO_BROAD: 422,
    };
    assert.deepEqual([...ErrorCodes].sort(), Object.keys(expected).sort(), 'every code has an expected status');
    for (const code of ErrorCodes) assert.equal(new ApiAccessError(code, 'x').httpStatus, expected[code], code);
  });

  it('keeps its stable list of codes unique', () => {
    assert.equal(new Set(ErrorCodes).size, ErrorCodes.length);
  });
});
