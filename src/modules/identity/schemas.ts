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

export const LoginBody = z.object({ email, password: z.string().min(1).max(256) });
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
