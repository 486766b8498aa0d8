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
const HEIGHT = 220;
const sec = (iso: string) => Date.parse(iso) / 1000;
const pct = (v: number | null | undefined) => (v === null || v === undefined ? null : v * 100);
const ms = (v: number | null | undefined) => (v === null || v === undefined ? null : v * 1000);

type Panel = 'errors' | 'p95';

/** Canary against baseline per sample, in the panel's unit, the policy's limit as a flat line. */
function chartData(tl: Timeline, panel: Panel): uPlot.AlignedData {
  const xs = tl.samples.map((s) => sec(s.at));
  const conv = panel === 'errors' ? pct : ms;
  const pick = (f: { errorRate: number | null; p95Seconds: number | null } | null) =>
    f ? conv(panel === 'errors' ? f.errorRate : f.p95Seconds) : null;
  const limit = tl.thresholds
    ? conv(panel === 'errors' ? tl.thresholds.errorRate : tl.thresholds.p95Seconds)
    : null;
  return [
    xs,
    tl.samples.map((s) => pick(s.canary)),
    tl.samples.map((s) => pick(s.baseline)),
    xs.map(() => limit),
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
function decisionsPlugin(tl: Timeline, labels: boolean): uPlot.Plugin {
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
          const limit = u.data[3]?.[0];
          if (limit !== null && limit !== undefined) {
            const y = u.valToPos(limit, 'y', true);
            ctx.beginPath();
            ctx.strokeStyle = COLORS.limit;
            ctx.lineWidth = dpr;
            ctx.moveTo(bbox.left, y);
            ctx.lineTo(bbox.left + bbox.width, y);
            ctx.stroke();
          }
          if (labels)
            for (const s of tl.samples)
              drawVerdict(ctx, s.verdict, u.valToPos(sec(s.at), 'x', true), bbox.top + 10 * dpr, 5 * dpr);
          ctx.restore();

          // Labels as text over the plot: readable, selectable and found by assistive technology.
          for (const old of u.over.querySelectorAll('.release-marker')) old.remove();
          if (!labels) return;
          const label = (iso: string, text: string, cls: string) => {
            const el = document.createElement('span');
            el.className = `release-marker ${cls}`;
            el.textContent = text;
            const x = u.valToPos(sec(iso), 'x');
            el.style.left = `${x}px`;
            // Near the right edge the label goes on the line's left.
            if (x > u.over.clientWidth - 90) el.classList.add('flip');
            u.over.append(el);
          };
          for (const s of tl.steps) label(s.startedAt, r.step(s.weight), 'step');
          for (const m of tl.markers) label(m.at, r.markers[m.kind] ?? m.kind, m.kind);
        },
      ],
    },
  };
}

function options(tl: Timeline, width: number, panel: Panel): uPlot.Options {
  const s = r.series;
  const xs = tl.samples.map((x) => sec(x.at));
  const times = [...xs, ...tl.markers.map((m) => sec(m.at)), ...tl.steps.map((x) => sec(x.startedAt))];
  const [min, max] = [Math.min(...times), Math.max(...times)];
  const pad = Math.max(5, (max - min) * 0.04);
  const errors = panel === 'errors';
  const value = (_u: uPlot, v: number | null) => (errors ? fmtPct(v) : fmtMs(v));
  return {
    width,
    height: HEIGHT,
    tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'UTC'),
    cursor: { sync: { key: `release-${tl.id}` } },
    legend: { live: false },
    scales: {
      x: { time: true, range: () => [min - pad, max + pad] },
      y: { range: (_u, _lo, hi) => [0, Math.max(errors ? 1 : 10, hi * 1.15)] },
    },
    series: [
      {},
      { label: errors ? s.canaryErrors : s.canaryP95, stroke: COLORS.canary, width: 2, value },
      {
        label: errors ? s.baselineErrors : s.baselineP95,
        stroke: COLORS.baseline,
        width: 2,
        dash: [6, 4],
        value,
      },
      // The limit's values only set the scale; the plugin draws it across the whole plot.
      {
        label: errors ? s.errorLimit : s.p95Limit,
        stroke: COLORS.limit,
        width: 1,
        points: { show: false },
        paths: () => null,
        value,
      },
    ],
    axes: [{ stroke: '#1b2330' }, { label: errors ? r.errorAxis : r.p95Axis, stroke: '#1b2330', size: 56 }],
    plugins: [decisionsPlugin(tl, errors)],
  };
}

export const fmtPct = (v: number | null | undefined) =>
  v === null || v === undefined ? '–' : `${v.toFixed(2)} %`;
export const fmtMs = (v: number | null | undefined) =>
  v === null || v === undefined ? '–' : `${Math.round(v)} ms`;

function Panel({ timeline, panel }: { timeline: Timeline; panel: Panel }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const plot = new uPlot(options(timeline, el.clientWidth, panel), chartData(timeline, panel), el);
    const resize = new ResizeObserver(() => plot.setSize({ width: el.clientWidth, height: HEIGHT }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [timeline, panel]);
  return <div ref={box} />;
}

/**
 * The release's analysis over time, one panel per figure (5xx rate, p95) on a shared time axis; a
 * canvas, so described for screen readers by its label and the decisions table below it.
 */
export function ReleaseChart({ timeline }: { timeline: Timeline }) {
  return (
    <figure className="release-chart" aria-label={r.chartLabel(timeline.version)}>
      <Panel timeline={timeline} panel="errors" />
      <Panel timeline={timeline} panel="p95" />
      <figcaption className="hint">{r.legend}</figcaption>
    </figure>
  );
}
