/**
 * The one catalogue of errors a service may raise. Services throw `AppError`s by code and never
 * touch HTTP; the error handler in app.ts maps each code to its status and `{"detail"}` body.
 */
export const ERRORS = {
  NOT_AUTHENTICATED: { status: 401, detail: 'Not authenticated' },
  INVALID_CREDENTIALS_TOKEN: { status: 401, detail: 'Could not validate credentials' },
  INCORRECT_LOGIN: { status: 401, detail: 'Incorrect username or password' },
  INACTIVE_USER: { status: 403, detail: 'Inactive user' },
  EMAIL_NOT_VERIFIED: { status: 403, detail: 'Email not verified' },
  ADMIN_REQUIRED: { status: 403, detail: 'Admin access required' },
  USERNAME_TAKEN: { status: 409, detail: 'Username already registered' },
  EMAIL_TAKEN: { status: 409, detail: 'Email already registered' },
  INVALID_VERIFICATION_TOKEN: { status: 400, detail: 'Invalid or expired verification token' },
  INVALID_RESET_TOKEN: { status: 400, detail: 'Invalid or expired reset token' },
  INCORRECT_PASSWORD: { status: 400, detail: 'Incorrect password' },
  CONTACT_NOT_FOUND: { status: 404, detail: 'Contact not found' },
  CONTACT_EMAIL_TAKEN: { status: 409, detail: 'Contact with this email already exists' },
  USER_NOT_FOUND: { status: 404, detail: 'User not found' },
  CANNOT_DEMOTE_SELF: { status: 400, detail: 'Admins cannot demote themselves' },
  CANNOT_DEACTIVATE_SELF: { status: 400, detail: 'Admins cannot deactivate themselves' },
  CANNOT_DELETE_SELF: { status: 400, detail: 'Admins cannot delete themselves' },
  LAST_ADMIN: { status: 409, detail: 'At least one active admin must remain' },
  FILE_REQUIRED: { status: 400, detail: 'A file is required in the multipart field "file"' },
  MALFORMED_MULTIPART: { status: 400, detail: 'Malformed multipart/form-data body' },
  FILE_TOO_LARGE: { status: 413, detail: 'File too large' },
  UNSUPPORTED_IMAGE: { status: 415, detail: 'Unsupported image type: use JPEG, PNG, GIF or WebP' },
  IMAGE_TOO_LARGE: { status: 415, detail: 'Image dimensions too large: at most 25 megapixels' },
  RATE_LIMITED: { status: 429, detail: 'Rate limit exceeded' },
  NOT_FOUND: { status: 404, detail: 'Not Found' },
  STORAGE_UNAVAILABLE: { status: 503, detail: 'Avatar storage temporarily unavailable' },
  SERVICE_UNAVAILABLE: { status: 503, detail: 'Service temporarily unavailable' },
  INTERNAL: { status: 500, detail: 'Internal server error' },
} as const satisfies Record<string, { status: number; detail: string }>;

export type ErrorCode = keyof typeof ERRORS;

export class AppError extends Error {
  readonly status: number;
  readonly detail: string;

  constructor(
    readonly code: ErrorCode,
    /** Extra fields merged into the JSON body (for example `retry_after`). */
    readonly extra: Record<string, unknown> = {},
    /** Extra response headers (for example `Retry-After`). */
    readonly headers: Record<string, string> = {},
  ) {
    super(ERRORS[code].detail);
    this.name = 'AppError';
    this.status = ERRORS[code].status;
    this.detail = ERRORS[code].detail;
  }
}

/** A FastAPI-shaped validation error: 422 with `{"detail":[{loc,msg,type}]}`. */
export class ValidationError extends Error {
  constructor(readonly items: { loc: (string | number)[]; msg: string; type: string }[]) {
    super(items.map((item) => item.msg).join('; '));
    this.name = 'ValidationError';
  }
}

/** Builds a one-item validation error for a field, as services raise for rules a schema cannot express. */
export function fieldError(
  location: 'body' | 'query' | 'path',
  field: string,
  msg: string,
  type = 'value_error',
) {
  return new ValidationError([{ loc: [location, field], msg, type }]);
}
