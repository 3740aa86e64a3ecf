// A plain timing loop for the peers harness, where some engines are asynchronous (ONNX
// Runtime) and every engine must be timed the same way: warm up, then take samples of
// one or more calls each until the time budget is spent, and report the median per call.
// (`cnnc bench` uses benchmark.js; this loop is for engines benchmark.js cannot drive alike.)

export interface Timing {
  /** Median milliseconds per call. */
  ms: number;
  /** Calls timed (warm-up excluded). */
  calls: number;
  samples: number;
}

export interface MeasureOptions {
  /** Milliseconds spent timing (after warm-up). */
  maxTime?: number;
  /** Milliseconds of warm-up (calls that let the JIT optimise and caches fill); default maxTime, at most 1 s. */
  warmup?: number;
  /** Fewest samples to take (default 3); a call slower than 5 × maxTime is timed once more only. */
  minSamples?: number;
}

const now = (): number => performance.now();

export async function measure(fn: () => unknown, options: MeasureOptions = {}): Promise<Timing> {
  const maxTime = options.maxTime ?? 1000;
  const warmup = options.warmup ?? Math.min(maxTime, 1000);
  let minSamples = options.minSamples ?? 3;
  const call = async () => {
    const r = fn();
    if (r && typeof (r as Promise<unknown>).then === 'function') await r;
  };
  // Warm-up, and a first estimate of one call's time.
  let start = now();
  let warmCalls = 0;
  do {
    await call();
    warmCalls++;
  } while (now() - start < warmup);
  const perCall = (now() - start) / warmCalls;
  if (perCall > 5 * maxTime) minSamples = 1;
  // Each sample groups enough calls to last ≥ 2 ms, so timer resolution does not matter.
  const group = Math.max(1, Math.ceil(2 / Math.max(perCall, 1e-6)));
  const samples: number[] = [];
  start = now();
  while (samples.length < minSamples || now() - start < maxTime) {
    const t0 = now();
    for (let i = 0; i < group; i++) await call();
    samples.push((now() - t0) / group);
  }
  samples.sort((a, b) => a - b);
  const mid = samples.length >> 1;
  const ms = samples.length % 2 ? samples[mid] : (samples[mid - 1] + samples[mid]) / 2;
  return { ms, calls: samples.length * group, samples: samples.length };
}
