import 'uplot/dist/uPlot.min.css';
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import type { paths } from '../../api/schema';
import { t } from '../../i18n';

export type Timeline =
  paths['/admin/releases/{id}/timeline']['get']['responses'][200]['content']['application/json'];

const r = t.adminReleases;
const COLORS = {
  canary: '#c2410c',
  baseline: '#4b5563',
  limit: '#a4161a',
  pass: '#1d6b35',
  marginal: '#b45309',
  inconclusive: '#6b7280',
  fail: '#a4161a',
  promoted: '#1d6b35',
  rolledBack: '#a4161a',
  quiet: '#9ca3af',
};
const HEIGHT = 320;
const sec = (iso: string) => Date.parse(iso) / 1000;
const pct = (v: number | null | undefined) => (v === null || v === undefined ? null : v * 100);
const ms = (v: number | null | undefined) => (v === null || v === undefined ? null : v * 1000);

/** Canary against baseline per sample, the policy's limits as flat lines. */
function chartData(tl: Timeline): uPlot.AlignedData {
  const xs = tl.samples.map((s) => sec(s.at));
  const limit = (v: number | null) => xs.map(() => v);
  return [
    xs,
    tl.samples.map((s) => pct(s.canary.errorRate)),
    tl.samples.map((s) => pct(s.baseline?.errorRate)),
    tl.samples.map((s) => ms(s.canary.p95Seconds)),
    tl.samples.map((s) => ms(s.baseline?.p95Seconds)),
    limit(tl.thresholds ? tl.thresholds.errorRate * 100 : null),
    limit(tl.thresholds ? tl.thresholds.p95Seconds * 1000 : null),
  ];
}

function markerColor(kind: string) {
  if (kind === 'promoted') return COLORS.promoted;
  if (kind === 'first-canary') return COLORS.quiet;
  return COLORS.rolledBack;
}

/** One decision's shape on the strip above the plot, so that it reads without colour too. */
function drawVerdict(ctx: CanvasRenderingContext2D, verdict: string, x: number, y: number, size: number) {
  ctx.beginPath();
  ctx.lineWidth = size / 3;
  const color = COLORS[verdict as keyof typeof COLORS] ?? COLORS.quiet;
  ctx.strokeStyle = color;
  ctx.fillStyle = color;
  if (verdict === 'fail') {
    ctx.moveTo(x - size, y - size);
    ctx.lineTo(x + size, y + size);
    ctx.moveTo(x + size, y - size);
    ctx.lineTo(x - size, y + size);
    ctx.stroke();
  } else if (verdict === 'marginal') {
    ctx.moveTo(x, y - size);
    ctx.lineTo(x + size, y);
    ctx.lineTo(x, y + size);
    ctx.lineTo(x - size, y);
    ctx.closePath();
    ctx.fill();
  } else {
    ctx.arc(x, y, size, 0, 2 * Math.PI);
    if (verdict === 'pass') ctx.fill();
    else ctx.stroke();
  }
}

/** Vertical lines for steps and course changes, verdict shapes per sample, labels as DOM text. */
function decisionsPlugin(tl: Timeline): uPlot.Plugin {
  return {
    hooks: {
      draw: [
        (u) => {
          const { ctx, bbox } = u;
          const dpr = uPlot.pxRatio;
          ctx.save();
          const vline = (x: number, color: string, dash: number[], width: number) => {
            ctx.beginPath();
            ctx.setLineDash(dash.map((d) => d * dpr));
            ctx.strokeStyle = color;
            ctx.lineWidth = width * dpr;
            ctx.moveTo(x, bbox.top);
            ctx.lineTo(x, bbox.top + bbox.height);
            ctx.stroke();
          };
          for (const s of tl.steps) vline(u.valToPos(sec(s.startedAt), 'x', true), COLORS.quiet, [2, 4], 1);
          for (const m of tl.markers)
            vline(
              u.valToPos(sec(m.at), 'x', true),
              markerColor(m.kind),
              m.kind === 'first-canary' ? [4, 4] : [],
              2,
            );
          ctx.setLineDash([]);
          for (const s of tl.samples)
            drawVerdict(ctx, s.verdict, u.valToPos(sec(s.at), 'x', true), bbox.top + 10 * dpr, 5 * dpr);
          ctx.restore();

          // Labels as text over the plot: readable, selectable and found by assistive technology.
          for (const old of u.over.querySelectorAll('.release-marker')) old.remove();
          const label = (iso: string, text: string, cls: string) => {
            const el = document.createElement('span');
            el.className = `release-marker ${cls}`;
            el.textContent = text;
            el.style.left = `${u.valToPos(sec(iso), 'x')}px`;
            u.over.append(el);
          };
          for (const s of tl.steps) label(s.startedAt, r.step(s.weight), 'step');
          for (const m of tl.markers) label(m.at, r.markers[m.kind] ?? m.kind, m.kind);
        },
      ],
    },
  };
}

function options(tl: Timeline, width: number): uPlot.Options {
  const s = r.series;
  const xs = tl.samples.map((x) => sec(x.at));
  const times = [...xs, ...tl.markers.map((m) => sec(m.at)), ...tl.steps.map((x) => sec(x.startedAt))];
  const [min, max] = [Math.min(...times), Math.max(...times)];
  const pad = Math.max(5, (max - min) * 0.04);
  return {
    width,
    height: HEIGHT,
    tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'UTC'),
    scales: {
      x: { time: true, range: () => [min - pad, max + pad] },
      err: { range: (_u, _lo, hi) => [0, Math.max(1, hi * 1.15)] },
      ms: { range: (_u, _lo, hi) => [0, Math.max(10, hi * 1.15)] },
    },
    series: [
      {},
      { label: s.canaryErrors, scale: 'err', stroke: COLORS.canary, width: 2, value: (_u, v) => fmtPct(v) },
      {
        label: s.baselineErrors,
        scale: 'err',
        stroke: COLORS.baseline,
        width: 2,
        value: (_u, v) => fmtPct(v),
      },
      {
        label: s.canaryP95,
        scale: 'ms',
        stroke: COLORS.canary,
        width: 2,
        dash: [6, 4],
        value: (_u, v) => fmtMs(v),
      },
      {
        label: s.baselineP95,
        scale: 'ms',
        stroke: COLORS.baseline,
        width: 2,
        dash: [6, 4],
        value: (_u, v) => fmtMs(v),
      },
      { label: s.errorLimit, scale: 'err', stroke: COLORS.limit, width: 1, points: { show: false } },
      {
        label: s.p95Limit,
        scale: 'ms',
        stroke: COLORS.limit,
        width: 1,
        dash: [2, 3],
        points: { show: false },
      },
    ],
    axes: [
      { stroke: '#1b2330' },
      { scale: 'err', label: r.errorAxis, stroke: '#1b2330' },
      { scale: 'ms', label: r.p95Axis, side: 1, grid: { show: false }, stroke: '#1b2330' },
    ],
    plugins: [decisionsPlugin(tl)],
  };
}

export const fmtPct = (v: number | null | undefined) =>
  v === null || v === undefined ? '–' : `${v.toFixed(2)} %`;
export const fmtMs = (v: number | null | undefined) =>
  v === null || v === undefined ? '–' : `${Math.round(v)} ms`;

/** The release's analysis over time: a canvas chart, described for screen readers by its label. */
export function ReleaseChart({ timeline }: { timeline: Timeline }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const plot = new uPlot(options(timeline, el.clientWidth), chartData(timeline), el);
    const resize = new ResizeObserver(() => plot.setSize({ width: el.clientWidth, height: HEIGHT }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [timeline]);
  return (
    <figure className="release-chart" aria-label={r.chartLabel(timeline.version)}>
      <div ref={box} />
      <figcaption className="hint">{r.legend}</figcaption>
    </figure>
  );
}
