import { createHash } from 'node:crypto';
import { type FlagType, TARGETED_FLAG_TYPES } from './tables.js';

export interface FlagRule {
  key: string;
  type: FlagType;
  enabled: boolean;
  rolloutPercentage: number;
  allowList: readonly string[];
}

/**
 * A user's bucket for a flag, 0–9999: the same user always lands in the same bucket for a flag
 * (sticky), and buckets of different flags are independent because the key is hashed in.
 */
export function bucket(flagKey: string, userId: string): number {
  const digest = createHash('sha256').update(`${flagKey}:${userId}`).digest();
  return digest.readUInt32BE(0) % 10_000;
}

export function evaluate(flag: FlagRule, userId: string | null): boolean {
  if (!flag.enabled) return false;
  if (!TARGETED_FLAG_TYPES.includes(flag.type)) return true;
  if (flag.rolloutPercentage >= 100) return true;
  if (!userId) return false;
  if (flag.allowList.includes(userId)) return true;
  return bucket(flag.key, userId) < flag.rolloutPercentage * 100;
}
