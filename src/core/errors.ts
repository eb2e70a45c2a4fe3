import { ERROR_CODES, ERROR_MESSAGES, errorMessage, type ErrorCode, type ErrorMessageArgs, type ErrorMessageKey } from './error-codes.js';

export { ErrorCodes, type ErrorCode } from './error-codes.js';

export interface FieldError {
  code: ErrorCode;
  message: string;
}

/**
 * Every error the plugin raises on purpose. `message` is written for the person who can fix
 * the problem; `fields` maps form fields to their own error so a form can show each in place.
 * The plugin builds them with `apiError` and `fieldError`, from the messages in error-codes.ts.
 */
export class ApiAccessError extends Error {
  override readonly name = 'ApiAccessError';
  readonly code: ErrorCode;
  readonly fields: Readonly<Record<string, FieldError>>;

  constructor(code: ErrorCode, message: string, fields: Record<string, FieldError> = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.fields = fields;
  }

  /** An error about one form field. */
  static field(field: string, code: ErrorCode, message: string): ApiAccessError {
    return new ApiAccessError(code, message, { [field]: { code, message } });
  }

  /** The HTTP status that fits the error, for hosts that expose the service over HTTP. */
  get httpStatus(): number {
    return ERROR_CODES[this.code].status;
  }

  toJSON(): { code: ErrorCode; message: string; fields: Record<string, FieldError> } {
    return { code: this.code, message: this.message, fields: { ...this.fields } };
  }
}

export function isApiAccessError(error: unknown): error is ApiAccessError {
  return error instanceof ApiAccessError;
}

/** What `apiError` takes after the key: the message's parameters (if it has any), then the error's cause. */
export type ApiErrorArgs<K extends ErrorMessageKey> =
  ErrorMessageArgs<K> extends [infer P] ? [params: P, options?: { cause?: unknown }] : [params?: undefined, options?: { cause?: unknown }];

/** The error of one message in the table: `throw apiError('tokenLimitReached', { active, max })`. */
export function apiError<K extends ErrorMessageKey>(key: K, ...args: ApiErrorArgs<K>): ApiAccessError {
  const [params, options] = args;
  return new ApiAccessError(ERROR_MESSAGES[key].code, errorMessage(key, ...([params] as unknown as ErrorMessageArgs<K>)), {}, options);
}

/** The error of one message in the table, about one form field: `throw fieldError('name', 'tokenNameTaken', { name })`. */
export function fieldError<K extends ErrorMessageKey>(field: string, key: K, ...args: ErrorMessageArgs<K>): ApiAccessError {
  return ApiAccessError.field(field, ERROR_MESSAGES[key].code, errorMessage(key, ...args));
}
