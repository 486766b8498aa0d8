import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { Button } from 'react-aria-components';
import { api, unwrap } from '../../api/client';
import { ErrorBanner } from '../../components/ErrorBanner';
import { t } from '../../i18n';
import { fmtMs, fmtPct, ReleaseChart, type Timeline } from './release-chart';

const r = t.adminReleases;
export const utc = (iso: string | null) =>
  iso
    ? new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', dateStyle: 'medium', timeStyle: 'medium' }).format(
        new Date(iso),
      )
    : '—';
const clock = (iso: string) =>
  new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', timeStyle: 'medium' }).format(new Date(iso));

type Sample = Timeline['samples'][number];

/** How often the page asks again while a release runs. */
export const FOLLOW_MS = 2_000;

const figures = (f: Sample['canary'] | null) =>
  f
    ? r.figures(
        fmtPct(f.errorRate === null ? null : f.errorRate * 100),
        fmtMs(f.p95Seconds === null ? null : f.p95Seconds * 1000),
        f.requests,
      )
    : '—';

/** The decision to open with: the one that failed the release, else the last with metric verdicts. */
function initialDecision(tl: Timeline): number {
  const i = tl.samples.findLastIndex((s) => s.verdict === 'fail');
  if (i >= 0) return i;
  const j = tl.samples.findLastIndex((s) => s.metrics.length > 0);
  return j >= 0 ? j : tl.samples.length - 1;
}

function MetricVerdicts({ sample }: { sample: Sample }) {
  return (
    <section aria-labelledby="metric-verdicts" className="stack">
      <h3 id="metric-verdicts">{r.metricsOf(clock(sample.at))}</h3>
      {sample.reasons.length > 0 && (
        <ul>
          {sample.reasons.map((x) => (
            <li key={x}>{x}</li>
          ))}
        </ul>
      )}
      {sample.metrics.length === 0 ? (
        <p>{r.noMetrics}</p>
      ) : (
        <div className="table-scroll stack">
          <table>
            <caption className="visually-hidden">{r.metricsOf(clock(sample.at))}</caption>
            <thead>
              <tr>
                <th scope="col">{r.metric}</th>
                <th scope="col">{r.result}</th>
                <th scope="col">{r.metricWeight}</th>
                <th scope="col">{r.detail}</th>
              </tr>
            </thead>
            <tbody>
              {sample.metrics.map((m) => (
                <tr key={m.name}>
                  <th scope="row">
                    {m.name}
                    {m.critical && <span className="hint">{r.critical}</span>}
                  </th>
                  <td>
                    <span className={`verdict ${m.result.replace(' ', '-')}`}>
                      {r.results[m.result] ?? m.result}
                    </span>
                  </td>
                  <td>{m.weight}</td>
                  <td>{m.detail}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function Decisions({ tl }: { tl: Timeline }) {
  const [chosen, setChosen] = useState(() => initialDecision(tl));
  const sample = tl.samples[chosen];
  return (
    <>
      <div className="table-scroll stack">
        <table className="release-decisions">
          <caption>{r.decisions}</caption>
          <thead>
            <tr>
              <th scope="col">{r.at}</th>
              <th scope="col">{r.weight}</th>
              <th scope="col">{r.verdict}</th>
              <th scope="col">{r.score}</th>
              <th scope="col">{r.canary}</th>
              <th scope="col">{r.baseline}</th>
              <th scope="col">
                <span className="visually-hidden">{r.showVerdicts}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {tl.samples.map((s, i) => (
              <tr key={s.at} aria-current={i === chosen ? 'true' : undefined}>
                <td>{clock(s.at)}</td>
                <td>{`${s.weight} %`}</td>
                <td>
                  <span className={`verdict ${s.verdict}`}>{r.verdicts[s.verdict] ?? s.verdict}</span>
                </td>
                <td>{s.score ?? '—'}</td>
                <td>{figures(s.canary)}</td>
                <td>{figures(s.baseline)}</td>
                <td>
                  <Button
                    className="button secondary"
                    aria-label={r.showVerdictsLabel(clock(s.at))}
                    aria-pressed={i === chosen}
                    onPress={() => setChosen(i)}
                  >
                    {r.showVerdicts}
                  </Button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {sample && <MetricVerdicts sample={sample} />}
    </>
  );
}

/** One release's analysis: the chart, each decision, and the judge's verdict per metric. */
export function ReleaseAnalysis({ id, version, focus }: { id: string; version: string; focus: boolean }) {
  const timeline = useQuery({
    queryKey: ['admin', 'releases', 'timeline', id],
    queryFn: () => unwrap(api.GET('/admin/releases/{id}/timeline', { params: { path: { id } } })),
    // A release in progress gains a decision every analysis interval: follow it until it ends.
    refetchInterval: (q) => (q.state.data?.outcome === 'in-progress' ? FOLLOW_MS : false),
  });
  const heading = useRef<HTMLHeadingElement>(null);
  // Opened from the history: bring it, and the reader's focus, to it.
  useEffect(() => {
    if (focus) heading.current?.focus();
  }, [focus]);
  const tl = timeline.data;
  return (
    <section className="card stack" aria-labelledby="release-analysis">
      <h2 id="release-analysis" ref={heading} tabIndex={-1}>
        {r.analysis(version)}
      </h2>
      <ErrorBanner error={timeline.error} onRetry={() => void timeline.refetch()} />
      {tl && (
        <>
          <p className="hint">
            {`${r.outcomes[tl.outcome] ?? tl.outcome} · ${utc(tl.startedAt)}`}
            {tl.reason ? ` · ${tl.reason}` : ''}
          </p>
          {tl.thresholds && (
            <p className="hint">
              {r.limits(fmtPct(tl.thresholds.errorRate * 100), fmtMs(tl.thresholds.p95Seconds * 1000))}
            </p>
          )}
          {tl.samples.length === 0 ? (
            <p>{r.noSamples}</p>
          ) : (
            <>
              <ReleaseChart timeline={tl} />
              {/* A release that ends opens again on its deciding sample. */}
              <Decisions key={`${tl.id}:${tl.outcome}`} tl={tl} />
            </>
          )}
        </>
      )}
    </section>
  );
}
