// Timing loops shared by `cnnc bench` and the peers harness. Every engine is timed the same
// way: first a warm-up that lasts until the time per call settles (generated kernels are
// long functions that V8 optimises only after seconds of calls, and a user's training loop
// runs the optimised code), then samples until the time budget is spent, reporting the
// median per call. Some peers are asynchronous (ONNX Runtime), hence `measure` awaits.

export interface Timing {
  /** Median milliseconds per call. */
  ms: number;
  /** Milliseconds of the very first call (compilation and JIT included). */
  firstMs: number;
  /** Calls timed (warm-up excluded). */
  calls: number;
  samples: number;
}

export interface MeasureOptions {
  /** Milliseconds spent timing (after warm-up). */
  maxTime?: number;
  /** Fewest samples to take (default 3); a call slower than 5 × maxTime is timed once more only. */
  minSamples?: number;
  /** Shortest warm-up in milliseconds (default min(2 s, 2 × maxTime)). */
  minWarmup?: number;
  /** Longest warm-up in milliseconds (default 20 s). */
  maxWarmup?: number;
}

const now = (): number => performance.now();

export interface WarmupLimits { min: number; max: number }

/**
 * A warm-up round's verdict: settled once `min` ms have passed and the time per call is
 * within 10% of the round before (two slow rounds before V8 optimises look alike, hence the
 * minimum), or when `max` ms have passed.
 */
const settled = (perCall: number, prev: number, started: number, limits: WarmupLimits): boolean => {
  const elapsed = now() - started;
  return (elapsed >= limits.min && Math.abs(perCall - prev) <= 0.1 * prev) || elapsed > limits.max;
};

/**
 * Synchronous warm-up (for benchmark.js in cnnc bench): rounds of at least `round` ms and
 * one call until a round's time per call settles. Returns the first call's time and the
 * last round's time per call.
 */
export function warmUp(fn: () => void, round: number, limits: WarmupLimits): { firstMs: number; perCall: number } {
  const started = now();
  fn();
  const firstMs = now() - started;
  let prev = firstMs;
  for (;;) {
    const t0 = now();
    let n = 0;
    do { fn(); n++; } while (now() - t0 < round);
    const perCall = (now() - t0) / n;
    if (settled(perCall, prev, started, limits)) return { firstMs, perCall };
    prev = perCall;
  }
}

export async function measure(fn: () => unknown, options: MeasureOptions = {}): Promise<Timing> {
  const maxTime = options.maxTime ?? 1000;
  let minSamples = options.minSamples ?? 3;
  const call = async () => {
    const r = fn();
    if (r && typeof (r as Promise<unknown>).then === 'function') await r;
  };
  const started = now();
  await call();
  const firstMs = now() - started;
  const round = Math.min(200, maxTime);
  const limits = { min: options.minWarmup ?? Math.min(2000, 2 * maxTime), max: options.maxWarmup ?? 20_000 };
  let prev = firstMs;
  let perCall: number;
  for (;;) {
    const t0 = now();
    let n = 0;
    do { await call(); n++; } while (now() - t0 < round);
    perCall = (now() - t0) / n;
    if (settled(perCall, prev, started, limits)) break;
    prev = perCall;
  }
  if (perCall > 5 * maxTime) minSamples = 1;
  // Each sample groups enough calls to last ≥ 2 ms, so timer resolution does not matter.
  const group = Math.max(1, Math.ceil(2 / Math.max(perCall, 1e-6)));
  const samples: number[] = [];
  const start = now();
  while (samples.length < minSamples || now() - start < maxTime) {
    const t0 = now();
    for (let i = 0; i < group; i++) await call();
    samples.push((now() - t0) / group);
  }
  samples.sort((a, b) => a - b);
  const mid = samples.length >> 1;
  const ms = samples.length % 2 ? samples[mid] : (samples[mid - 1] + samples[mid]) / 2;
  return { ms, firstMs, calls: samples.length * group, samples: samples.length };
}
