import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { BACKUP_AGE_ALERT_SECONDS, backupAgeState } from './age-alert.js';

interface Rules {
  groups: { rules: { alert?: string; expr?: string }[] }[];
}

describe('the backup age threshold', () => {
  it('is the one the BackupTooOld alert fires at', async () => {
    const rules = YAML.parse(await readFile('deploy/prometheus/rules/voyage-alerts.yml', 'utf8')) as Rules;
    const alert = rules.groups.flatMap((g) => g.rules).find((r) => r.alert === 'BackupTooOld');
    const m = alert?.expr?.match(/voyage_backup_last_success_timestamp_seconds\)\s*>\s*([\d\s*]+)$/);
    expect(m, alert?.expr).toBeTruthy();
    const seconds = m![1]!
      .split('*')
      .map((n) => Number(n.trim()))
      .reduce((a, b) => a * b, 1);
    expect(seconds).toBe(BACKUP_AGE_ALERT_SECONDS);
  });

  it('says a backup at the threshold is still fine and one past it is too old', () => {
    expect(backupAgeState(null)).toBe('none');
    expect(backupAgeState(BACKUP_AGE_ALERT_SECONDS)).toBe('ok');
    expect(backupAgeState(BACKUP_AGE_ALERT_SECONDS + 1)).toBe('too_old');
  });
});
