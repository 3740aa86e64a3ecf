// The human form of a bench report: one aligned table, the whole network last.
import type { BenchReport } from './run.js';

const ms = (v: number) => (v >= 100 ? v.toFixed(0) : v >= 1 ? v.toFixed(2) : v.toFixed(4));
const rate = (v: number) => (v >= 100 ? v.toFixed(0) : v.toFixed(1));

/** `batch` images per call; `roofline` GFLOP/s of the best scalar-JS microbenchmark, if measured. */
export function formatBenchTable(report: BenchReport, batch: number, roofline?: number): string {
  const head = ['layer', 'op', 'generated ms', 'interpreted ms', 'speed-up', 'images/s (gen.)', 'GFLOP/s (gen.)'];
  if (roofline) head.push('% of roofline');
  const rows = report.rows.map((r) => {
    const cells = [r.scope, r.op, ms(r.generatedMs), ms(r.interpretedMs), `${r.speedup.toFixed(1)}×`,
      rate((batch * 1000) / r.generatedMs), r.gflops === null ? '–' : r.gflops.toFixed(2)];
    if (roofline) cells.push(r.gflops === null ? '–' : `${((100 * r.gflops) / roofline).toFixed(0)}%`);
    return cells;
  });
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells: string[]) => cells.map((s, c) => (c < 2 ? s.padEnd(widths[c]) : s.padStart(widths[c]))).join('  ');
  return [
    `${report.network} (batch ${batch}) on ${report.machine}`,
    line(head),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
  ].join('\n');
}
