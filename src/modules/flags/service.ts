import type { AuditLog } from '../../platform/audit.js';
import type { Cache } from '../../platform/cache.js';
import { isConstraintViolation } from '../../platform/db/errors.js';
import { badRequest, conflict, notFound } from '../../platform/http/errors.js';
import type { Db } from '../database.js';
import { evaluate, type FlagRule } from './evaluate.js';
import { createFlagsRepository, type FlagRow } from './repository.js';
import type { EvaluatedFlags, Flag, FlagCreate, FlagUpdate } from './schemas.js';
import { type FlagType, TARGETED_FLAG_TYPES } from './tables.js';

const CACHE_KEY = 'flags:rules';

export function toFlag(r: FlagRow): Flag {
  return {
    key: r.key,
    description: r.description,
    type: r.type,
    enabled: r.enabled,
    rolloutPercentage: r.rollout_percentage,
    allowList: r.allow_list,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}

function toRule(r: FlagRow): FlagRule {
  return {
    key: r.key,
    type: r.type,
    enabled: r.enabled,
    rolloutPercentage: r.rollout_percentage,
    allowList: r.allow_list,
  };
}

function checkTargeting(type: FlagType, rollout: number, allowList: string[]) {
  if (TARGETED_FLAG_TYPES.includes(type)) return;
  if (rollout !== 100 || allowList.length > 0) {
    throw badRequest(
      'flag_not_targetable',
      `A ${type} flag is on or off for everyone: rolloutPercentage must be 100 and allowList empty`,
    );
  }
}

/**
 * Feature flags: rules live in the database; evaluation reads them from the cache (in-process or
 * Redis) for a few seconds, and every change drops the cached copy so it takes effect at once.
 */
export function createFlagsService(deps: { db: Db; cache: Cache; cacheTtlMs: number; audit: AuditLog }) {
  const repo = createFlagsRepository(deps.db);

  async function rules(): Promise<FlagRule[]> {
    const cached = await deps.cache.get<FlagRule[]>(CACHE_KEY);
    if (cached) return cached;
    const fresh = (await repo.list()).map(toRule);
    await deps.cache.set(CACHE_KEY, fresh, deps.cacheTtlMs);
    return fresh;
  }

  const invalidate = () => deps.cache.del(CACHE_KEY);

  return {
    async list(): Promise<Flag[]> {
      return (await repo.list()).map(toFlag);
    },

    async get(key: string): Promise<Flag> {
      const row = await repo.find(key);
      if (!row) throw notFound('flag_not_found', `No flag named ${key}`);
      return toFlag(row);
    },

    async create(input: FlagCreate, actorId: string | null = null): Promise<Flag> {
      const targeted = TARGETED_FLAG_TYPES.includes(input.type);
      const rollout = input.rolloutPercentage ?? (targeted ? 0 : 100);
      checkTargeting(input.type, rollout, input.allowList);
      try {
        const row = await repo.insert({
          key: input.key,
          description: input.description,
          type: input.type,
          enabled: input.enabled,
          rollout_percentage: rollout,
          allow_list: [...new Set(input.allowList)],
        });
        await invalidate();
        await deps.audit.record(undefined, {
          action: 'flag.create',
          actorId,
          subject: `flag:${input.key}`,
          details: { enabled: row.enabled, type: row.type, rolloutPercentage: row.rollout_percentage },
        });
        return toFlag(row);
      } catch (err) {
        if (isConstraintViolation(err, 'feature_flags_pkey'))
          throw conflict('flag_exists', `A flag named ${input.key} already exists`);
        throw err;
      }
    },

    async update(key: string, patch: FlagUpdate, actorId: string | null = null): Promise<Flag> {
      const current = await repo.find(key);
      if (!current) throw notFound('flag_not_found', `No flag named ${key}`);
      const type = patch.type ?? current.type;
      // Turning a targeted flag into a global one makes it apply to everyone unless told otherwise.
      const becameGlobal = !TARGETED_FLAG_TYPES.includes(type) && TARGETED_FLAG_TYPES.includes(current.type);
      const rollout = patch.rolloutPercentage ?? (becameGlobal ? 100 : current.rollout_percentage);
      const allowList = patch.allowList ?? (becameGlobal ? [] : current.allow_list);
      checkTargeting(type, rollout, allowList);
      const row = await repo.update(key, {
        ...(patch.description !== undefined && { description: patch.description }),
        ...(patch.enabled !== undefined && { enabled: patch.enabled }),
        type,
        rollout_percentage: rollout,
        allow_list: [...new Set(allowList)],
      });
      if (!row) throw notFound('flag_not_found', `No flag named ${key}`);
      await invalidate();
      await deps.audit.record(undefined, {
        action: 'flag.update',
        actorId,
        subject: `flag:${key}`,
        details: {
          from: {
            enabled: current.enabled,
            rolloutPercentage: current.rollout_percentage,
            type: current.type,
          },
          to: { enabled: row.enabled, rolloutPercentage: row.rollout_percentage, type: row.type },
        },
      });
      return toFlag(row);
    },

    async remove(key: string, actorId: string | null = null): Promise<void> {
      if (!(await repo.remove(key))) throw notFound('flag_not_found', `No flag named ${key}`);
      await invalidate();
      await deps.audit.record(undefined, { action: 'flag.delete', actorId, subject: `flag:${key}` });
    },

    /** Every flag evaluated for one user (or for nobody when signed out). */
    async evaluateAll(userId: string | null): Promise<EvaluatedFlags> {
      const flags: Record<string, boolean> = {};
      for (const rule of await rules()) flags[rule.key] = evaluate(rule, userId);
      return { userId, flags };
    },

    /** An unknown flag is off. */
    async isEnabled(key: string, userId: string | null): Promise<boolean> {
      const rule = (await rules()).find((r) => r.key === key);
      return rule ? evaluate(rule, userId) : false;
    },
  };
}

export type FlagsService = ReturnType<typeof createFlagsService>;
