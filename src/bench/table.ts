// The human form of a bench report: one aligned table (the whole network last), each target
// of the generated module side by side, then the time to first result.
import type { BenchReport } from './run.js';

const ms = (v: number) => (v >= 100 ? v.toFixed(0) : v >= 1 ? v.toFixed(2) : v.toFixed(4));
const rate = (v: number) => (v >= 100 ? v.toFixed(0) : v.toFixed(1));

/** GFLOP/s ceilings to show each kernel against: scalar JS (for the js target) and WebAssembly SIMD (for wasm). */
export interface Ceilings { js?: number; wasm?: number }

/**
 * One line per case: each target's time, speed-up over the interpreter, images/s and
 * GFLOP/s side by side (and the share of its roofline when measured).
 */
export function formatBenchTable(report: BenchReport, batch: number, ceilings: Ceilings = {}): string {
  const targets = report.targets;
  const head = ['layer', 'op'];
  for (const t of targets) head.push(`${t} ms`);
  head.push('interpreted ms');
  for (const t of targets) head.push(`${t} speed-up`);
  for (const t of targets) head.push(`${t} images/s`);
  for (const t of targets) head.push(`${t} GFLOP/s`);
  const roofs = targets.filter((t) => ceilings[t]);
  for (const t of roofs) head.push(`${t} % of roofline`);
  const keys = [...new Set(report.rows.map((r) => `${r.scope}\u0000${r.op}`))];
  const rows = keys.map((k) => {
    const [scope, op] = k.split('\u0000');
    const of = (t: string) => report.rows.find((r) => r.scope === scope && r.op === op && r.target === t);
    const cells = [scope, op];
    const each = (f: (r: NonNullable<ReturnType<typeof of>>) => string, list: readonly string[] = targets) => {
      for (const t of list) { const r = of(t); cells.push(r ? f(r) : '–'); }
    };
    each((r) => ms(r.generatedMs));
    cells.push(ms(report.rows.find((r) => r.scope === scope && r.op === op)!.interpretedMs));
    each((r) => `${r.speedup.toFixed(1)}×`);
    each((r) => rate((batch * 1000) / r.generatedMs));
    each((r) => (r.gflops === null ? '–' : r.gflops.toFixed(2)));
    each((r) => (r.gflops === null ? '–' : `${((100 * r.gflops) / ceilings[r.target]!).toFixed(0)}%`), roofs);
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

const first = (v: number) => (Number.isFinite(v) ? ms(v) : '–');

/** Time to first result of a fresh module (a new process), one line per target and task. */
export function formatFirstResults(report: BenchReport): string {
  const list = report.firstResult ?? [];
  if (list.length === 0) return '';
  const head = ['target', 'task', 'import ms', 'createModel ms', '1st call ms', 'import → 1st result ms', '2nd call ms', 'steady ms', 'steady after ms (calls)'];
  const rows = list.map((f) => [f.target, f.task, first(f.importMs), first(f.createMs), first(f.firstMs), first(f.toFirstMs), first(f.secondMs), first(f.steadyMs), `${first(f.steadyAfterMs)} (${f.steadyAfterCalls})`]);
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells: string[]) => cells.map((s, c) => (c < 2 ? s.padEnd(widths[c]) : s.padStart(widths[c]))).join('  ');
  return [
    'time to first result (a fresh module in a new process; wasm code starts as Liftoff baseline code and tiers up to TurboFan, JS starts interpreted):',
    line(head),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
  ].join('\n');
}
