/** Stable error codes. Hosts and clients may switch on them; never rename one. */
export const ErrorCodes = [
  'INVALID_INPUT',
  'INVALID_OPTIONS',
  'NAME_TAKEN',
  'NAME_PATTERN',
  'EXPIRY_IN_PAST',
  'EXPIRY_TOO_FAR',
  'EXPIRY_REQUIRED',
  'EXPIRY_NOT_ALLOWED',
  'INVALID_CIDR',
  'UNKNOWN_ROLE',
  'UNKNOWN_SCOPE',
  'ROLE_IN_USE',
  'TOKEN_LIMIT_REACHED',
  'USER_NOT_FOUND',
  'OWNER_NEVER_SIGNED_IN',
  'NOT_SUPER_ADMIN',
  'EDIT_FORBIDDEN',
  'INVALID_STATE',
  'NOT_FOUND',
  'FORBIDDEN',
  'DATABASE_UNAVAILABLE',
  'SEARCH_TOO_BROAD',
  /** The host's integration is incomplete (a missing model or table, a user directory giving bad answers): the message says what to change. */
  'HOST_MISCONFIGURED',
] as const;
export type ErrorCode = (typeof ErrorCodes)[number];

export interface FieldError {
  code: ErrorCode;
  message: string;
}

/**
 * Every error the plugin raises on purpose. `message` is written for the person who can fix
 * the problem; `fields` maps form fields to their own error so a form can show each in place.
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
    switch (this.code) {
      case 'NOT_FOUND':
      case 'USER_NOT_FOUND':
        return 404;
      case 'FORBIDDEN':
      case 'EDIT_FORBIDDEN':
        return 403;
      case 'NAME_TAKEN':
      case 'TOKEN_LIMIT_REACHED':
      case 'INVALID_STATE':
      case 'ROLE_IN_USE':
        return 409;
      case 'DATABASE_UNAVAILABLE':
        return 503;
      case 'INVALID_OPTIONS':
      case 'HOST_MISCONFIGURED':
        return 500;
      default:
        return 422;
    }
  }

  toJSON(): { code: ErrorCode; message: string; fields: Record<string, FieldError> } {
    return { code: this.code, message: this.message, fields: { ...this.fields } };
  }
}

export function isApiAccessError(error: unknown): error is ApiAccessError {
  return error instanceof ApiAccessError;
}
