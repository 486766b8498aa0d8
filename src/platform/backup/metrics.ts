import type { Metrics } from '../observability/metrics.js';
import type { BackupStore, StoredBackup } from './store.js';

/**
 * Backup gauges read from the backup store at scrape time, so that every process reports them,
 * not only the one that ran the backup. A backup whose verification failed is not a success.
 */
export function registerBackupMetrics(metrics: Metrics, store: BackupStore, cacheMs = 5000) {
  let cached: { at: number; list: Promise<StoredBackup[]> } | undefined;
  const list = () => {
    if (!cached || Date.now() - cached.at > cacheMs) cached = { at: Date.now(), list: store.list() };
    return cached.list;
  };
  const newest = async (ok: (b: StoredBackup) => boolean) => {
    try {
      return { found: (await list()).find(ok) };
    } catch {
      return undefined; // an unreadable store leaves the gauges without samples
    }
  };
  const succeeded = (b: StoredBackup) => b.manifest.kind !== 'safety' && b.verification?.ok !== false;

  metrics.gauge(
    'voyage_backup_last_success_timestamp_seconds',
    'Creation time of the newest backup that did not fail verification; 0 when there is none',
    [],
    async (g) => {
      g.reset();
      const r = await newest(succeeded);
      if (r) g.set(r.found ? new Date(r.found.manifest.createdAt).getTime() / 1000 : 0);
    },
  );
  metrics.gauge(
    'voyage_backup_duration_seconds',
    'Time the newest backup took to create, and to verify when it was verified',
    ['step'],
    async (g) => {
      g.reset();
      const r = await newest((b) => b.manifest.kind !== 'safety');
      if (!r?.found) return;
      g.set({ step: 'create' }, r.found.manifest.durationMs / 1000);
      if (r.found.verification) g.set({ step: 'verify' }, r.found.verification.durationMs / 1000);
    },
  );
  metrics.gauge(
    'voyage_backup_verified',
    '1 when the newest backup was restored and checked successfully, 0 when it failed or is unverified',
    [],
    async (g) => {
      g.reset();
      const r = await newest((b) => b.manifest.kind !== 'safety');
      if (r) g.set(r.found?.verification?.ok ? 1 : 0);
    },
  );
}
