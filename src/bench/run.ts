// `cnnc bench`: times every case of benchCases with benchmark.js, generated and interpreted
// one after the other, and reports per-call medians, speed-ups and GFLOP/s. Before timing,
// the generated module's inference output is checked against the interpreter's.
import Benchmark from 'benchmark';
import type { CheckedNetwork } from '../model/checked.js';
import { benchCases, type BenchCase } from './cases.js';
import { compareArrays } from './compare.js';
import { compileAndImport, weightsJson } from '../engines/generated-module.js';
import { machineLine } from './machine.js';
import { warmUp } from './measure.js';
import { makeWorkload, referenceInference } from './workload.js';

/** A row of `cnnc bench --json` (docs/formats.md). */
export interface BenchRow {
  scope: string;
  op: BenchCase['op'];
  generatedMs: number;
  interpretedMs: number;
  speedup: number;
  /** GFLOP/s of the generated code; null for ops without multiply-adds. */
  gflops: number | null;
}

export interface BenchReport { network: string; machine: string; rows: BenchRow[] }

export interface BenchOptions {
  /** Seconds benchmark.js spends on each timing (default 0.5; --quick 0.05). */
  maxTime?: number;
  minSamples?: number;
  /** Seconds of one benchmark.js cycle (benchmark.js defaults to at least 0.05). */
  minTime?: number;
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

export async function benchNetwork(net: CheckedNetwork, options: BenchOptions = {}): Promise<BenchReport> {
  const maxTime = options.maxTime ?? 0.5;
  const minSamples = options.minSamples ?? 5;
  const work = makeWorkload(net);
  const module = await compileAndImport(net);
  // A wrong answer is not a fast answer.
  const model = module.createModel({ seed: 0 });
  model.loadJSON(weightsJson(work.weights));
  const agreement = compareArrays('inference output', model.forward(work.input, { training: false }), referenceInference(work), 1e-4);
  if (!agreement.ok) throw new Error(`cnnc bench: the generated module disagrees with the interpreter on ${net.name}: ${agreement.detail}`);
  const cases = benchCases(work, module);
  // Whole-network calls run every generated kernel: let V8 optimise them all before any row
  // is timed (seconds for the longest kernels), so per-kernel rows time optimised code.
  const limits = maxTime >= 0.5 ? { min: 3000, max: 20_000 } : { min: 0, max: maxTime * 20_000 };
  for (const c of cases.filter((k) => k.scope === 'network')) warmUp(c.generated, 200, limits);
  const rows: BenchRow[] = [];
  cases.forEach((c, i) => {
    options.onCase?.(i, cases.length, c);
    const g = timeCall(c.generated, maxTime, minSamples, options.minTime) * 1000;
    const t = timeCall(c.interpreted, maxTime, minSamples, options.minTime) * 1000;
    rows.push({
      scope: c.scope, op: c.op, generatedMs: g, interpretedMs: t, speedup: t / g,
      gflops: c.flops > 0 ? c.flops / (g * 1e6) : null,
    });
  });
  return { network: net.name, machine: machineLine(), rows };
}
