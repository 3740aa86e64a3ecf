// Learning curves written next to the weights: a CSV of the per-epoch figures and an SVG a
// browser shows directly (two panels: loss per sample and accuracy, against the epoch, with
// axes, ticks, labels and a legend). Plain strings, no dependencies.
import type { EpochResult } from './loop.js';

export const CSV_HEADER = 'epoch,train_loss,train_accuracy,test_loss,test_accuracy,seconds,images_per_second,lr';

export function curvesCsv(rows: EpochResult[]): string {
  const lines = rows.map((r) =>
    [r.epoch, r.trainLoss, r.trainAccuracy, r.testLoss, r.testAccuracy, r.seconds.toFixed(3), r.imagesPerSecond.toFixed(1), Number(r.lr.toPrecision(6))]
      .map(String)
      .join(','),
  );
  return `${[CSV_HEADER, ...lines].join('\n')}\n`;
}

/** Paths of the curves beside a weights file: `W.bin` → `W.curves.svg`, `W.curves.csv`. */
export function curvePaths(weightsPath: string): { svg: string; csv: string } {
  const stem = weightsPath.replace(/\.(bin|json)$/i, '');
  return { svg: `${stem}.curves.svg`, csv: `${stem}.curves.csv` };
}

/** Round tick values covering [lo, hi]: steps of 1, 2 or 5 times a power of ten. */
export function niceTicks(lo: number, hi: number, maxTicks = 6): number[] {
  if (!(hi > lo)) hi = lo + 1;
  const raw = (hi - lo) / Math.max(1, maxTicks - 1);
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const first = Math.floor(lo / step + 1e-9) * step;
  const ticks: number[] = [];
  for (let v = first; v < hi + step * 0.999; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

interface Series {
  label: string;
  values: number[];
  color: string;
  dashed?: boolean;
}

interface Panel {
  title: string;
  yLabel: string;
  ticks: number[];
  format: (v: number) => string;
  series: Series[];
  /** Where the legend goes: away from where the curves usually are. */
  legend: 'top' | 'bottom';
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const PANEL_W = 380;
const PANEL_H = 260;
const M = { left: 64, right: 16, top: 34, bottom: 46 };

function panelSvg(p: Panel, x0: number, epochs: number[]): string {
  const w = PANEL_W - M.left - M.right;
  const h = PANEL_H - M.top - M.bottom;
  const ox = x0 + M.left;
  const oy = M.top;
  const yMin = p.ticks[0]!;
  const yMax = p.ticks[p.ticks.length - 1]!;
  const first = epochs[0] ?? 1;
  const last = Math.max(epochs[epochs.length - 1] ?? 1, first + 1);
  const sx = (e: number): number => ox + ((e - first) / (last - first)) * w;
  const sy = (v: number): number => oy + h - ((Math.min(Math.max(v, yMin), yMax) - yMin) / (yMax - yMin)) * h;
  const out: string[] = [];
  out.push(`<text x="${ox + w / 2}" y="${oy - 14}" text-anchor="middle" font-weight="bold">${esc(p.title)}</text>`);
  for (const t of p.ticks) {
    const y = sy(t).toFixed(1);
    out.push(`<line x1="${ox}" y1="${y}" x2="${ox + w}" y2="${y}" stroke="#ddd"/>`);
    out.push(`<text x="${ox - 6}" y="${y}" text-anchor="end" dominant-baseline="middle">${esc(p.format(t))}</text>`);
  }
  const xTicks = niceTicks(first, last, 8).filter((e) => Number.isInteger(e) && e >= first && e <= last);
  for (const e of xTicks) {
    const x = sx(e).toFixed(1);
    out.push(`<line x1="${x}" y1="${oy + h}" x2="${x}" y2="${oy + h + 5}" stroke="#333"/>`);
    out.push(`<text x="${x}" y="${oy + h + 18}" text-anchor="middle">${e}</text>`);
  }
  out.push(`<line x1="${ox}" y1="${oy + h}" x2="${ox + w}" y2="${oy + h}" stroke="#333"/>`);
  out.push(`<line x1="${ox}" y1="${oy}" x2="${ox}" y2="${oy + h}" stroke="#333"/>`);
  out.push(`<text x="${ox + w / 2}" y="${oy + h + 38}" text-anchor="middle">epoch</text>`);
  out.push(
    `<text transform="translate(${x0 + 16} ${oy + h / 2}) rotate(-90)" text-anchor="middle">${esc(p.yLabel)}</text>`,
  );
  p.series.forEach((s, i) => {
    const pts = s.values.map((v, k) => `${sx(epochs[k]!).toFixed(1)},${sy(v).toFixed(1)}`);
    const dash = s.dashed ? ' stroke-dasharray="6 4"' : '';
    if (pts.length > 1) out.push(`<polyline fill="none" stroke="${s.color}" stroke-width="2"${dash} points="${pts.join(' ')}"/>`);
    for (const pt of pts) {
      const [cx, cy] = pt.split(',');
      out.push(`<circle cx="${cx}" cy="${cy}" r="3" fill="${s.color}"/>`);
    }
    const ly = p.legend === 'top' ? oy + 10 + 16 * i : oy + h - 12 - 16 * (p.series.length - 1 - i);
    out.push(`<line x1="${ox + w - 130}" y1="${ly}" x2="${ox + w - 108}" y2="${ly}" stroke="${s.color}" stroke-width="2"${dash}/>`);
    out.push(`<text x="${ox + w - 102}" y="${ly}" dominant-baseline="middle">${esc(s.label)}</text>`);
  });
  return out.join('\n');
}

/**
 * The title of the curves: the images an epoch really trains on. The loop uses whole
 * batches only, so `--limit 500` at batch 32 trains on 480 images; the title says so.
 */
export function curvesTitle(network: string, images: number, batch: number): string {
  const used = Math.floor(images / batch) * batch;
  const left = images - used;
  const batches = used / batch;
  return `${network}: training on ${used} images per epoch` +
    (left > 0 ? ` (${batches} whole batch${batches === 1 ? '' : 'es'} of ${batch}; ${left} of the ${images} images left out)` : '');
}

/** The curves before any epoch ended (training stopped in the first one): a note, no empty axes. */
function noEpochSvg(title: string): string {
  const width = 2 * PANEL_W;
  const height = PANEL_H + 24;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<title>${esc(title)}</title>`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${width / 2}" y="${height / 2 - 10}" text-anchor="middle" font-size="16">No epoch finished: training stopped during the first one.</text>`,
    `<text x="${width / 2}" y="${height / 2 + 14}" text-anchor="middle" fill="#555">The curves are drawn after each complete epoch (with its test evaluation).</text>`,
    `<text x="${width / 2}" y="${height - 6}" text-anchor="middle" fill="#555">${esc(title)}</text>`,
    '</svg>',
    '',
  ].join('\n');
}

export function curvesSvg(rows: EpochResult[], title: string): string {
  if (rows.length === 0) return noEpochSvg(title);
  const epochs = rows.map((r) => r.epoch);
  const losses = [...rows.map((r) => r.trainLoss), ...rows.map((r) => r.testLoss)].filter(Number.isFinite);
  const lossTicks = niceTicks(0, Math.max(...losses, 1e-3));
  const accs = [...rows.map((r) => r.trainAccuracy), ...rows.map((r) => r.testAccuracy)].map((a) => 100 * a);
  // Accuracy close to 100% would be a flat line on a 0–100 axis: start the axis near the lowest value.
  const accTicks = niceTicks(Math.max(0, Math.min(...accs, 100) - 0.5), 100).filter((t) => t <= 100);
  const panels: Panel[] = [
    {
      title: 'Loss per sample',
      yLabel: 'cross-entropy',
      ticks: lossTicks,
      format: (v) => String(v),
      legend: 'top',
      series: [
        { label: 'training', values: rows.map((r) => r.trainLoss), color: '#1f77b4' },
        { label: 'test', values: rows.map((r) => r.testLoss), color: '#ff7f0e', dashed: true },
      ],
    },
    {
      title: 'Accuracy',
      yLabel: 'accuracy (%)',
      ticks: accTicks,
      format: (v) => `${v}%`,
      legend: 'bottom',
      series: [
        { label: 'test', values: rows.map((r) => 100 * r.testAccuracy), color: '#2ca02c' },
        { label: 'training', values: rows.map((r) => 100 * r.trainAccuracy), color: '#1f77b4', dashed: true },
      ],
    },
  ];
  const width = 2 * PANEL_W;
  const height = PANEL_H + 24;
  const best = rows.length ? `best test accuracy ${(100 * Math.max(...rows.map((r) => r.testAccuracy))).toFixed(2)}%` : 'no epochs';
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<title>${esc(title)}</title>`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    panelSvg(panels[0]!, 0, epochs),
    panelSvg(panels[1]!, PANEL_W, epochs),
    `<text x="${width / 2}" y="${height - 6}" text-anchor="middle" fill="#555">${esc(`${title} — ${best}`)}</text>`,
    '</svg>',
    '',
  ].join('\n');
}
