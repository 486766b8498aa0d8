/**
 * How old the newest successful backup may grow before the BackupTooOld alert fires
 * (deploy/prometheus/rules/voyage-alerts.yml; a test keeps the two equal). The daily schedule
 * leaves two hours of slack for a slow run.
 */
export const BACKUP_AGE_ALERT_SECONDS = 26 * 3600;

export type BackupAgeState = 'ok' | 'too_old' | 'none';

export function backupAgeState(ageSeconds: number | null): BackupAgeState {
  if (ageSeconds === null) return 'none';
  return ageSeconds > BACKUP_AGE_ALERT_SECONDS ? 'too_old' : 'ok';
}
