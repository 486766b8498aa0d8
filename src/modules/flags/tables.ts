import type { ColumnType, Generated } from 'kysely';

export const FLAG_TYPES = ['release', 'experiment', 'operational', 'kill-switch'] as const;
export type FlagType = (typeof FLAG_TYPES)[number];
/** Types that target users by allow-list and rollout; the others are on or off for everyone. */
export const TARGETED_FLAG_TYPES: readonly FlagType[] = ['release', 'experiment'];

export interface FeatureFlagsTable {
  key: string;
  description: ColumnType<string, string | undefined, string>;
  type: FlagType;
  enabled: ColumnType<boolean, boolean | undefined, boolean>;
  rollout_percentage: ColumnType<number, number | undefined, number>;
  allow_list: ColumnType<string[], string[] | undefined, string[]>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface FlagsTables {
  feature_flags: FeatureFlagsTable;
}
