import { z } from 'zod';

export const email = z
  .string()
  .trim()
  .max(254)
  .pipe(z.email({ message: 'must be a valid email address' }))
  .transform((v) => v.toLowerCase());

export const password = z
  .string()
  .min(8, 'must be at least 8 characters')
  .max(256, 'must be at most 256 characters');

export const SignupBody = z.object({
  email,
  password,
  name: z.string().trim().min(1).max(100),
});
export type SignupBody = z.infer<typeof SignupBody>;

export const LoginBody = z.object({
  email,
  password: z.string().min(1).max(256),
  /** A TOTP code or a recovery code, for accounts with MFA. */
  mfaCode: z.string().trim().min(6).max(20).optional(),
});
export type LoginBody = z.infer<typeof LoginBody>;

export const RefreshBody = z.object({ refreshToken: z.string().min(1).max(4096) });
export type RefreshBody = z.infer<typeof RefreshBody>;

export const User = z.object({
  id: z.uuid(),
  email: z.string(),
  name: z.string(),
  role: z.enum(['customer', 'admin']),
  createdAt: z.string(),
  disabled: z.boolean(),
  emailVerified: z.boolean(),
  mfaEnabled: z.boolean(),
});
export type User = z.infer<typeof User>;

export const AuthTokens = z.object({
  accessToken: z.string(),
  refreshToken: z.string(),
  tokenType: z.literal('Bearer'),
  expiresIn: z.number().int(),
  user: User,
});
export type AuthTokens = z.infer<typeof AuthTokens>;

export const ChangePasswordBody = z.object({
  currentPassword: z.string().min(1).max(256),
  newPassword: password,
});
export type ChangePasswordBody = z.infer<typeof ChangePasswordBody>;

export const UserIdParams = z.object({ id: z.uuid() });

export const UserSearchQuery = z.object({
  q: z.string().trim().min(1).max(254).optional(),
  role: z.enum(['customer', 'admin']).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
export type UserSearchQuery = z.infer<typeof UserSearchQuery>;

export const UserList = z.object({ users: z.array(User) });

export const AuditQuery = z
  .object({
    actor: z.uuid().optional(),
    action: z
      .string()
      .regex(
        /^[a-z_]+(\.[a-z_]+)*(\.\*)?$/,
        'an action such as booking.create, or a family such as booking.*',
      )
      .max(100)
      .optional(),
    subject: z.string().min(1).max(200).optional(),
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
    cursor: z.coerce.number().int().positive().optional(),
  })
  .refine((q) => !q.from || !q.to || q.from < q.to, { message: 'from must be before to', path: ['from'] });
export type AuditQuery = z.infer<typeof AuditQuery>;

export const AuditEntry = z.object({
  id: z.number().int(),
  occurredAt: z.string(),
  action: z.string(),
  actorId: z.string().nullable(),
  subject: z.string().nullable(),
  ip: z.string().nullable(),
  requestId: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
});
export const AuditPage = z.object({ entries: z.array(AuditEntry), nextCursor: z.number().int().nullable() });

export const PasswordResetRequestBody = z.object({ email });
export const PasswordResetBody = z.object({ token: z.string().min(10).max(200), newPassword: password });
export const TokenBody = z.object({ token: z.string().min(10).max(200) });
export const ProfileBody = z
  .object({
    name: z.string().trim().min(1).max(100).optional(),
    email: email.optional(),
    currentPassword: z.string().min(1).max(256).optional(),
  })
  .refine((b) => b.name !== undefined || b.email !== undefined, { message: 'give name or email' });
export const CurrentPasswordBody = z.object({ currentPassword: z.string().min(1).max(256) });
export const MfaCodeBody = z.object({ code: z.string().trim().min(6).max(20) });
export const MfaSetup = z.object({ secret: z.string(), otpauthUrl: z.string() });
export const RecoveryCodes = z.object({ recoveryCodes: z.array(z.string()) });
