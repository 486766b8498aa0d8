import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { api, unwrap } from '../../api/client';
import { ErrorBanner } from '../../components/ErrorBanner';
import { TimeChart, type TimeSeries } from '../../components/TimeChart';
import { t } from '../../i18n';
import './overview.css';

const s = t.adminOverview;
const REFRESH_MS = 10_000;

const percent = (r: number, digits = 1) =>
  new Intl.NumberFormat('en-GB', { style: 'percent', maximumFractionDigits: digits }).format(r);
const perSecond = (v: number) => `${v.toFixed(v < 10 ? 2 : 1)}/s`;
const errorShare = (v: number) => percent(v, 2);
const latency = (v: number) => (v < 1 ? `${Math.round(v * 1000)} ms` : `${v.toFixed(2)} s`);
const uptime = (seconds: number) => {
  const m = Math.floor(seconds / 60);
  return m < 60 ? `${m} min` : `${Math.floor(m / 60)} h ${m % 60} min`;
};
const detailText = (d: unknown) => (d === undefined ? '—' : typeof d === 'string' ? d : JSON.stringify(d));

function Status() {
  const overview = useQuery({
    queryKey: ['admin', 'overview'],
    queryFn: () => unwrap(api.GET('/admin/overview')),
    refetchInterval: REFRESH_MS,
  });
  const o = overview.data;
  if (!o) return <ErrorBanner error={overview.error} onRetry={() => void overview.refetch()} />;
  const readiness = !o.ready ? s.notReady : o.degraded ? s.degraded : s.ready;
  const { slo } = o;
  return (
    <div className="overview-top">
      <section className="card" aria-labelledby="service-title">
        <h2 id="service-title">{s.service}</h2>
        <dl className="facts">
          <dt>{s.version}</dt>
          <dd>
            <code>{o.version}</code>
          </dd>
          <dt>{s.role}</dt>
          <dd>
            <code>{o.role}</code>
          </dd>
          <dt>{s.uptime}</dt>
          <dd>{uptime(o.uptimeSeconds)}</dd>
          <dt>{s.readiness}</dt>
          <dd className={o.ready && !o.degraded ? 'state-ok' : 'state-bad'}>{readiness}</dd>
        </dl>
      </section>

      <section className="card budget" aria-labelledby="budget-title">
        <h2 id="budget-title">{s.budget}</h2>
        <p className="budget-figure">
          <span className="budget-label">{s.budgetLeft}</span>
          <strong
            className={slo.budgetRemaining !== null && slo.budgetRemaining < 0 ? 'state-bad' : undefined}
          >
            {slo.budgetRemaining === null ? '—' : percent(slo.budgetRemaining)}
          </strong>
        </p>
        {slo.budgetRemaining === null && !slo.unavailable && <p className="hint">{s.noBudget}</p>}
        {slo.unavailable && <p className="state-bad">{s.unavailable(slo.unavailable)}</p>}
        <dl className="facts">
          {slo.burnRates.map((b) => (
            <div key={b.window} className="fact">
              <dt>{s.burnRate(b.window)}</dt>
              <dd className={b.burnRate !== null && b.burnRate >= slo.pageAt ? 'state-bad' : undefined}>
                {b.burnRate === null ? '—' : `${b.burnRate.toFixed(2)}×`}
              </dd>
            </div>
          ))}
        </dl>
        <p className="hint">
          {s.objective(percent(slo.objective), slo.periodDays)} {s.measuredOver(slo.source, slo.measuredOver)}{' '}
          {s.pageAt(slo.pageAt)}
        </p>
      </section>

      <section className="card" aria-labelledby="deps-title">
        <h2 id="deps-title">{s.dependencies}</h2>
        <p className="hint">{s.dependenciesHint}</p>
        <div className="table-scroll">
          <table>
            <caption className="visually-hidden">{s.dependencies}</caption>
            <thead>
              <tr>
                <th scope="col">{s.dependency}</th>
                <th scope="col">{s.state}</th>
                <th scope="col">{s.detail}</th>
              </tr>
            </thead>
            <tbody>
              {o.checks.map((c) => (
                <tr key={c.name}>
                  <th scope="row">{c.name}</th>
                  <td className={c.ok ? 'state-ok' : 'state-bad'}>{c.ok ? s.ok : s.failing}</td>
                  <td>
                    <code className="details">{detailText(c.detail)}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </div>
  );
}

function Traffic() {
  const history = useQuery({
    queryKey: ['admin', 'metrics-history', '1h'],
    queryFn: () => unwrap(api.GET('/admin/metrics/history', { params: { query: { window: '1h' } } })),
    refetchInterval: REFRESH_MS,
  });
  const series = useMemo(() => {
    const points = history.data?.points ?? [];
    const x = points.map((p) => Date.parse(p.at) / 1000);
    const of = (y: (number | null)[]): TimeSeries => ({ x, y });
    return {
      rate: of(points.map((p) => p.requestsPerSecond)),
      errors: of(points.map((p) => p.errorRatio)),
      p95: of(points.map((p) => p.p95Seconds)),
    };
  }, [history.data]);
  return (
    <section className="stack traffic" aria-labelledby="traffic-title">
      <h2 id="traffic-title">{s.traffic}</h2>
      {history.data && <p className="hint">{s.trafficHint(history.data.source, history.data.stepSeconds)}</p>}
      <ErrorBanner error={history.error} onRetry={() => void history.refetch()} />
      {history.data && (
        <div className="charts">
          <TimeChart id="rate" title={s.requestRate} series={series.rate} format={perSecond} floor={1} />
          <TimeChart
            id="errors"
            title={s.errorRate}
            series={series.errors}
            format={errorShare}
            floor={0.01}
            color="#a4161a"
          />
          <TimeChart
            id="p95"
            title={s.latency}
            series={series.p95}
            format={latency}
            floor={0.1}
            color="#6d28d9"
          />
        </div>
      )}
    </section>
  );
}

/** The console's first page: is this process well, how busy is it, how much budget is left. */
export function OverviewPage() {
  return (
    <div className="stack overview">
      <h1>{s.title}</h1>
      <p className="hint">{s.intro}</p>
      <Status />
      <Traffic />
    </div>
  );
}
