// `cnnc bench`: times every case of benchCases with benchmark.js, for each target of the
// generated module (WebAssembly and JS) and the interpreter, one after the other for each
// case (so a ratio compares timings taken moments apart), and reports per-call medians,
// speed-ups and GFLOP/s. Before timing, each module's inference output is checked against
// the interpreter's.
import Benchmark from 'benchmark';
import type { CheckedNetwork } from '../model/checked.js';
import { benchCases, type BenchCase } from './cases.js';
import { compareArrays } from './compare.js';
import { importGeneratedSource, weightsJson, type GeneratedModule } from '../engines/generated-module.js';
import { machineLine } from './machine.js';
import { warmUp } from './measure.js';
import { makeWorkload, referenceInference } from './workload.js';
import { measureFirstResults, type FirstResult, type Target } from './first.js';

export type { FirstResult, Target } from './first.js';
export const TARGETS: readonly Target[] = ['wasm', 'js'];

/** A row of `cnnc bench --json` (docs/formats.md). */
export interface BenchRow {
  scope: string;
  op: BenchCase['op'];
  /** Which generated module: its WebAssembly target or its JS target. */
  target: Target;
  generatedMs: number;
  interpretedMs: number;
  speedup: number;
  /** GFLOP/s of the generated code; null for ops without multiply-adds. */
  gflops: number | null;
}

export interface BenchReport {
  network: string;
  machine: string;
  /** The targets measured, in the order of the rows. */
  targets: Target[];
  /** One row per case and target; a case's interpreter time is one timing shared by its rows. */
  rows: BenchRow[];
  /** Time to first result of a fresh module (a new process), per target and task; absent with `firstResult: false`. */
  firstResult?: FirstResult[];
}

export interface BenchOptions {
  /** Seconds benchmark.js spends on each timing (default 0.5; --quick 0.05). */
  maxTime?: number;
  minSamples?: number;
  /** Seconds of one benchmark.js cycle (benchmark.js defaults to at least 0.05). */
  minTime?: number;
  /** Targets of the generated module to time (default both, WebAssembly first). */
  targets?: readonly Target[];
  /** Also measure the time to first result (default true), each task for `firstBudgetMs` ms of calls (default 1500). */
  firstResult?: boolean;
  firstBudgetMs?: number;
  /** Called before each case is timed (progress). */
  onCase?: (index: number, total: number, c: BenchCase) => void;
}

/**
 * Median seconds per call, from benchmark.js's samples, after a warm-up that lasts until the
 * time per call settles (see measure.ts: generated kernels run optimised only after V8 has
 * seen them for a while, up to seconds near its size limit).
 */
export function timeCall(fn: () => void, maxTime: number, minSamples: number, minTime?: number): number {
  warmUp(fn, Math.min(200, maxTime * 1000), { min: 0, max: Math.min(5000, maxTime * 10_000) });
  const bench = new Benchmark('case', fn, { maxTime, minSamples, initCount: 1, ...(minTime === undefined ? {} : { minTime }) });
  bench.run();
  if (bench.error) throw bench.error;
  const s = [...bench.stats.sample].sort((a, b) => a - b);
  if (s.length === 0) return bench.times.period;
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Compiles `net` for `target` (what `cnnc build` writes) and imports it: the module and its source. */
async function compileTarget(net: CheckedNetwork, target: Target): Promise<{ module: GeneratedModule; js: string }> {
  // Loaded on demand, as in src/engines/generated-module.ts.
  const { compileNetwork } = await import('../emit/index.js');
  const { js } = compileNetwork(net, { dtype: 'f32', target });
  return { module: await importGeneratedSource(js), js };
}

export async function benchNetwork(net: CheckedNetwork, options: BenchOptions = {}): Promise<BenchReport> {
  const maxTime = options.maxTime ?? 0.5;
  const minSamples = options.minSamples ?? 5;
  const targets = [...new Set(options.targets ?? TARGETS)];
  if (targets.length === 0) throw new Error('cnnc bench: no target to time');
  const work = makeWorkload(net);
  const reference = referenceInference(work);
  const perTarget: { target: Target; js: string; cases: BenchCase[] }[] = [];
  for (const target of targets) {
    const { module, js } = await compileTarget(net, target);
    // A wrong answer is not a fast answer.
    const model = module.createModel({ seed: 0 });
    model.loadJSON(weightsJson(work.weights));
    const agreement = compareArrays('inference output', model.forward(work.input, { training: false }), reference, 1e-4);
    if (!agreement.ok) throw new Error(`cnnc bench: the generated module (${target} target) disagrees with the interpreter on ${net.name}: ${agreement.detail}`);
    perTarget.push({ target, js, cases: benchCases(work, module) });
  }
  // Whole-network calls run every generated kernel: let V8 optimise them all (tier the wasm
  // functions up to TurboFan) before any row is timed, so per-kernel rows time optimised code.
  const limits = maxTime >= 0.5 ? { min: 3000, max: 20_000 } : { min: 0, max: maxTime * 20_000 };
  for (const t of perTarget) for (const c of t.cases.filter((k) => k.scope === 'network')) warmUp(c.generated, 200, limits);
  const key = (c: BenchCase) => `${c.scope}/${c.op}`;
  const cases = perTarget[0].cases;
  const rows: BenchRow[] = [];
  cases.forEach((c, i) => {
    options.onCase?.(i, cases.length, c);
    const generated = perTarget.flatMap((t) => {
      const mine = t.cases.find((x) => key(x) === key(c));
      return mine ? [{ target: t.target, ms: timeCall(mine.generated, maxTime, minSamples, options.minTime) * 1000 }] : [];
    });
    const interpretedMs = timeCall(c.interpreted, maxTime, minSamples, options.minTime) * 1000;
    for (const g of generated) {
      rows.push({
        scope: c.scope, op: c.op, target: g.target, generatedMs: g.ms, interpretedMs, speedup: interpretedMs / g.ms,
        gflops: c.flops > 0 ? c.flops / (g.ms * 1e6) : null,
      });
    }
  });
  const report: BenchReport = { network: net.name, machine: machineLine(), targets, rows };
  if (options.firstResult ?? true) report.firstResult = measureFirstResults(net, perTarget, options.firstBudgetMs ?? 1500);
  return report;
}
