import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Checkbox } from 'react-aria-components';
import { api, unwrap } from '../../api/client';
import { ApiError } from '../../api/errors';
import type { paths } from '../../api/schema';
import { ErrorBanner } from '../../components/ErrorBanner';
import { t } from '../../i18n';
import { Confirm } from './confirm';

const s = t.adminBackups;
type Backup =
  paths['/admin/backups']['get']['responses'][200]['content']['application/json']['backups'][number];
type Operation =
  paths['/admin/backups/operations/{id}']['get']['responses'][200]['content']['application/json'];
const LIST = ['admin', 'backups', 'list'] as const;

const when = (iso: string) =>
  new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', dateStyle: 'medium', timeStyle: 'short' }).format(
    new Date(iso),
  );

/** An age in the largest units that matter: "45 s", "12 min", "3 h 10 min", "2 d 4 h". */
function formatAge(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  const min = Math.floor(seconds / 60);
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  if (h < 48) return min % 60 ? `${h} h ${min % 60} min` : `${h} h`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}

const formatSize = (bytes: number) =>
  bytes < 1_048_576 ? `${(bytes / 1024).toFixed(1)} KB` : `${(bytes / 1_048_576).toFixed(1)} MB`;

const ended = (op: Operation | undefined) => op?.status === 'done' || op?.status === 'failed';

/** Start errors in the page's own words; a second start while one runs is the expected one. */
function StartError({ error }: { error: unknown }) {
  if (error instanceof ApiError && error.code === 'backup_operation_running')
    return (
      <p role="alert" className="banner error">
        {s.running}
      </p>
    );
  return <ErrorBanner error={error} />;
}

/** Follows one operation, polling it until it ends; then the list is read again. */
function Progress({ id }: { id: string }) {
  const queryClient = useQueryClient();
  const op = useQuery({
    queryKey: ['admin', 'backups', 'operation', id],
    queryFn: () => unwrap(api.GET('/admin/backups/operations/{id}', { params: { path: { id } } })),
    refetchInterval: (q) => (ended(q.state.data) ? false : 750),
  });
  const data = op.data;
  const finished = ended(data);
  useEffect(() => {
    if (finished) void queryClient.invalidateQueries({ queryKey: LIST });
  }, [finished, queryClient]);
  if (!data) return <ErrorBanner error={op.error} onRetry={() => void op.refetch()} />;
  const backupId = (data.result?.backupId as string | undefined) ?? data.backupId ?? '';
  const verified = data.result?.verification !== undefined;
  return (
    <section className="card console-gap" aria-labelledby="progress-title">
      <h2 id="progress-title">
        {s.progressTitle}: {s.kinds[data.kind]} · {s.statuses[data.status]}
      </h2>
      <progress
        style={{ width: '100%', height: '1rem' }}
        max={100}
        value={data.percent}
        aria-label={s.progressLabel}
      />
      <p>
        <strong>{data.percent} %</strong>
        {data.phase && !finished && <> · {s.phases[data.phase] ?? data.phase}</>}
        {data.message && !finished && <span className="console-line mono">{data.message}</span>}
      </p>
      {data.status === 'done' && (
        <p role="status" className="banner success">
          {verified ? s.doneVerified(backupId) : s.doneBackup(backupId)}
        </p>
      )}
      {data.status === 'failed' && (
        <p role="alert" className="banner error">
          {s.failed(data.error ?? '')}
        </p>
      )}
    </section>
  );
}

function Verification({ v }: { v: Backup['verification'] }) {
  if (!v) return <span>{s.unverified}</span>;
  if (v.ok) return <span className="status confirmed">{s.verifiedAt(when(v.at))}</span>;
  return (
    <>
      <span className="status cancelled">{s.failedAt(when(v.at))}</span>
      {v.problems.map((p) => (
        <span key={p} className="console-line mono">
          {p}
        </span>
      ))}
    </>
  );
}

function Checksums({ b }: { b: Backup }) {
  return (
    <details>
      <summary>
        <code title={b.sha256}>{b.sha256.slice(0, 12)}…</code>
      </summary>
      <span className="console-line">{s.fileChecksum}</span>
      <code className="details">{b.sha256}</code>
      <details>
        <summary>{s.tableChecksums(b.tables.length)}</summary>
        <ul className="mono">
          {b.tables.map((x) => (
            <li key={x.table}>
              {x.table}: {x.rows} · {x.checksum}
            </li>
          ))}
        </ul>
      </details>
    </details>
  );
}

export function BackupsPage() {
  const queryClient = useQueryClient();
  const [verifyAfter, setVerifyAfter] = useState(true);
  const [following, setFollowing] = useState<string>();
  const list = useQuery({ queryKey: LIST, queryFn: () => unwrap(api.GET('/admin/backups')) });
  const followed = following ?? list.data?.activeOperation?.id;
  const onStarted = (r: { operation: Operation }) => {
    setFollowing(r.operation.id);
    void queryClient.invalidateQueries({ queryKey: LIST });
  };
  const backUp = useMutation({
    mutationFn: (verify: boolean) => unwrap(api.POST('/admin/backups', { body: { verify } })),
    onSuccess: onStarted,
  });
  const verify = useMutation({
    mutationFn: (id: string) => unwrap(api.POST('/admin/backups/{id}/verify', { params: { path: { id } } })),
    onSuccess: onStarted,
  });
  const busy = backUp.isPending || verify.isPending || !!list.data?.activeOperation;
  const newest = list.data?.newest;
  const limit = newest ? formatAge(newest.thresholdSeconds) : '';
  const rows = list.data?.backups ?? [];
  return (
    <section>
      <h1>{s.title}</h1>
      <p className="hint">{s.intro}</p>
      <ErrorBanner error={list.error} onRetry={() => void list.refetch()} />
      {newest && (
        <p className={`banner ${newest.state === 'ok' ? 'success' : 'error'}`}>
          {newest.state === 'none'
            ? s.newestNone(limit)
            : newest.state === 'ok'
              ? s.newestOk(formatAge(newest.ageSeconds ?? 0), limit)
              : s.newestTooOld(formatAge(newest.ageSeconds ?? 0), limit)}
        </p>
      )}
      <section className="card console-gap" aria-labelledby="start-title">
        <h2 id="start-title">{s.start}</h2>
        <div className="row wrap">
          <Checkbox className="check" isSelected={verifyAfter} onChange={setVerifyAfter}>
            <span className="box" aria-hidden="true" />
            {s.verifyAfter}
          </Checkbox>
          <Confirm
            trigger={s.backUpNow}
            title={s.backUpTitle}
            body={verifyAfter ? s.backUpAndVerifyBody : s.backUpBody}
            danger={false}
            isDisabled={busy}
            onConfirm={() => backUp.mutate(verifyAfter)}
          />
        </div>
        <StartError error={backUp.error ?? verify.error} />
      </section>
      {followed && <Progress key={followed} id={followed} />}
      <section className="card console-gap" aria-labelledby="list-title">
        <h2 id="list-title">{s.list}</h2>
        {list.isSuccess && rows.length === 0 && <p>{s.none}</p>}
        {rows.length > 0 && (
          <div className="table-scroll stack">
            <table>
              <caption className="visually-hidden">{s.list}</caption>
              <thead>
                <tr>
                  <th scope="col">{s.created}</th>
                  <th scope="col">{s.age}</th>
                  <th scope="col">{s.kind}</th>
                  <th scope="col">{s.size}</th>
                  <th scope="col">{s.verification}</th>
                  <th scope="col">{s.checksum}</th>
                  <th scope="col">
                    <span className="visually-hidden">{s.verify}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {rows.map((b) => (
                  <tr key={b.id}>
                    <td>
                      {when(b.createdAt)}
                      <code className="console-line">{b.id}</code>
                    </td>
                    <td>{formatAge(b.ageSeconds)}</td>
                    <td>{s.backupKinds[b.kind] ?? b.kind}</td>
                    <td style={{ whiteSpace: 'nowrap' }}>{formatSize(b.sizeBytes)}</td>
                    <td>
                      <Verification v={b.verification} />
                    </td>
                    <td>
                      <Checksums b={b} />
                    </td>
                    <td>
                      <Confirm
                        trigger={s.verify}
                        triggerLabel={s.verifyLabel(b.id)}
                        title={s.verifyTitle(b.id)}
                        body={s.verifyBody}
                        danger={false}
                        isDisabled={busy}
                        onConfirm={() => verify.mutate(b.id)}
                      />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </section>
  );
}
