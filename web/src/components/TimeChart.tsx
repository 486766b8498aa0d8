import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { t } from '../i18n';

export interface TimeSeries {
  /** Seconds since the epoch. */
  x: number[];
  y: (number | null)[];
}

const hhmm = (s: number) =>
  new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', hour: '2-digit', minute: '2-digit' }).format(s * 1000);
const hhmmss = (s: number) =>
  new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', timeStyle: 'medium' }).format(s * 1000);

/**
 * A line over time drawn with uPlot on a canvas. The canvas is hidden from assistive technology;
 * the caption summarises the series and a table under it gives the latest values.
 */
export function TimeChart({
  id,
  title,
  series,
  format,
  color = '#0b5cad',
  floor = 1,
}: {
  id: string;
  title: string;
  series: TimeSeries;
  format: (v: number) => string;
  color?: string;
  /** The y axis reaches at least this high, so that a quiet series does not fill the chart. */
  floor?: number;
}) {
  const host = useRef<HTMLDivElement>(null);
  const values = series.y.filter((v): v is number => v !== null);
  const summary = values.length
    ? t.adminOverview.chartSummary(format(values.at(-1)!), format(Math.max(...values)), values.length)
    : t.adminOverview.noData;

  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const plot = new uPlot(
      {
        width: el.clientWidth || 320,
        height: 160,
        legend: { show: false },
        cursor: { show: true, drag: { x: false, y: false } },
        scales: {
          x: { time: true },
          y: { range: (_u, _min, max) => [0, Math.max(floor, (max ?? 0) * 1.15)] },
        },
        axes: [
          {
            // Seconds only where the ticks are closer than a minute apart.
            values: (_u, ticks) => ticks.map(ticks.length > 1 && ticks[1]! - ticks[0]! < 60 ? hhmmss : hhmm),
            stroke: '#4b5563',
            grid: { stroke: '#e5e9f0' },
          },
          {
            values: (_u, ticks) => ticks.map(format),
            size: 64,
            stroke: '#4b5563',
            grid: { stroke: '#e5e9f0' },
          },
        ],
        series: [{}, { label: title, stroke: color, width: 2, fill: `${color}1f`, spanGaps: false }],
      },
      [series.x, series.y],
      el,
    );
    const resize = new ResizeObserver(() => plot.setSize({ width: el.clientWidth || 320, height: 160 }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [series, format, title, color, floor]);

  const latest = series.x
    .map((x, i) => [x, series.y[i] ?? null] as const)
    .slice(-6)
    .reverse();
  return (
    <figure className="chart card" aria-labelledby={`${id}-title`}>
      <figcaption>
        <h3 id={`${id}-title`}>{title}</h3>
        <p className="hint">{summary}</p>
      </figcaption>
      <div ref={host} className="chart-canvas" aria-hidden="true" data-testid={`${id}-chart`} />
      {latest.length > 0 && (
        <details>
          <summary>{t.adminOverview.showTable}</summary>
          <table>
            <caption className="visually-hidden">{title}</caption>
            <thead>
              <tr>
                <th scope="col">{t.adminOverview.time}</th>
                <th scope="col">{t.adminOverview.value}</th>
              </tr>
            </thead>
            <tbody>
              {latest.map(([x, y]) => (
                <tr key={x}>
                  <td>{hhmmss(x)}</td>
                  <td>{y === null ? '—' : format(y)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      )}
    </figure>
  );
}
