import { z } from 'zod';
import { FLAG_TYPES } from './tables.js';

export const FlagKey = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9._-]{1,63}$/,
    'must be 2–64 lowercase letters, digits, dots, dashes or underscores',
  );

const flagFields = {
  description: z.string().trim().max(500),
  type: z.enum(FLAG_TYPES),
  enabled: z.boolean(),
  rolloutPercentage: z.number().int().min(0).max(100),
  allowList: z.array(z.uuid()).max(1000),
};

export const FlagCreate = z.object({
  key: FlagKey,
  description: flagFields.description.default(''),
  type: flagFields.type,
  enabled: flagFields.enabled.default(false),
  rolloutPercentage: flagFields.rolloutPercentage.optional(),
  allowList: flagFields.allowList.default([]),
});
export type FlagCreate = z.infer<typeof FlagCreate>;

export const FlagUpdate = z
  .object({
    description: flagFields.description,
    type: flagFields.type,
    enabled: flagFields.enabled,
    rolloutPercentage: flagFields.rolloutPercentage,
    allowList: flagFields.allowList,
  })
  .partial()
  .refine((v) => Object.keys(v).length > 0, 'nothing to change');
export type FlagUpdate = z.infer<typeof FlagUpdate>;

export const Flag = z.object({
  key: z.string(),
  description: z.string(),
  type: z.enum(FLAG_TYPES),
  enabled: z.boolean(),
  rolloutPercentage: z.number().int(),
  allowList: z.array(z.string()),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Flag = z.infer<typeof Flag>;

export const FlagKeyParams = z.object({ key: FlagKey });

export const EvaluatedFlags = z.object({
  userId: z.string().nullable(),
  flags: z.record(z.string(), z.boolean()),
});
export type EvaluatedFlags = z.infer<typeof EvaluatedFlags>;
