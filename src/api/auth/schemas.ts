import { Type } from 'typebox';
import { ValidationErrorResponse } from '../common/schemas.js';

// By reference, so the OpenAPI document shows the one ErrorResponse component (a route that inlines the
// `$id` schema beside a `$ref` to it would not even compile).
export const ErrorRef = { $ref: 'ErrorResponse#' } as const;
export const invalid = { 422: ValidationErrorResponse };

/** The fixed messages of the auth routes (the contract's exact strings). */
export const MESSAGES = {
  verified: 'Email successfully verified',
  alreadyVerified: 'Email already verified',
  resendAccepted: 'If the email exists and is not verified, a verification email has been sent',
  forgotAccepted: 'If the email exists and is active, password reset instructions have been sent',
  passwordReset: 'Password has been reset successfully',
  passwordChanged: 'Password changed successfully',
} as const;

const email = (description: string) => Type.String({ format: 'email', maxLength: 254, description });
const NewPassword = Type.String({
  minLength: 8,
  maxLength: 128,
  description:
    '8 to 128 characters, not only whitespace, not a common password, not the username or the email (or its part before "@"), and not the current password; a 422 names the rule broken',
});

export const RegisterBody = Type.Object({
  username: Type.String({
    minLength: 3,
    maxLength: 50,
    pattern: '^[A-Za-z0-9_.-]+$',
    description: '3 to 50 letters, digits, "_", "." or "-"; unique, case-insensitively',
  }),
  email: email('A valid address, unique case-insensitively; the verification link is sent there'),
  password: NewPassword,
  full_name: Type.Optional(Type.Union([Type.String({ maxLength: 100 }), Type.Null()])),
});

export const LoginBody = Type.Object({
  username: Type.String({ description: 'The username or the email' }),
  password: Type.String(),
});

export const TokenResponse = Type.Object({
  access_token: Type.String(),
  refresh_token: Type.String(),
  token_type: Type.Literal('bearer'),
  expires_in: Type.Integer({ description: 'Lifetime of the access token in seconds' }),
});

export const RefreshBody = Type.Object({ refresh_token: Type.String() });

export const LogoutBody = Type.Union([
  Type.Object({
    refresh_token: Type.Optional(
      Type.String({ description: 'Also end the session of this refresh token, when it is another of yours' }),
    ),
  }),
  Type.Null(),
]);

export const TokenQuery = Type.Object({
  token: Type.String({ description: 'The token from the verification link' }),
});
export const TokenParams = TokenQuery;

export const ResetPageQuery = Type.Object({
  token: Type.Optional(Type.String({ description: 'Read by the page script in the browser' })),
});

export const EmailBody = Type.Object({ email: email('The address of the account') });

export const ResetPasswordBody = Type.Object({
  token: Type.String({ description: 'The token from the reset link' }),
  new_password: NewPassword,
});

export const ChangePasswordBody = Type.Object({
  current_password: Type.String(),
  new_password: NewPassword,
});

/** A page or script: plain text in the OpenAPI document. */
export const TextBody = Type.String();
