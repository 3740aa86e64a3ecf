// The timing loop of the peers harness. Every engine is timed the same way: first the
// warm-up of cnnc bench (dist/src/bench/measure.js: until the time per call settles), then
// samples until the time budget is spent, reporting the median per call. Some peers are
// asynchronous (ONNX Runtime), hence `measure` awaits.
//
//   measure(fn, { maxTime = 1000 ms, minSamples = 3, minWarmup, maxWarmup = 20 s })
//     → { ms: median per call, firstMs: the very first call (JIT included), calls, samples }
//   minSamples: a call slower than 5 × maxTime is timed once more only;
//   minWarmup: shortest warm-up in ms (default min(2 s, 2 × maxTime)).
import { load } from './cnnc.mjs';

const { settled } = await load('bench/measure.js');
const now = () => performance.now();

export async function measure(fn, options = {}) {
  const maxTime = options.maxTime ?? 1000;
  let minSamples = options.minSamples ?? 3;
  const call = async () => {
    const r = fn();
    if (r && typeof r.then === 'function') await r;
  };
  const started = now();
  await call();
  const firstMs = now() - started;
  const round = Math.min(200, maxTime);
  const limits = { min: options.minWarmup ?? Math.min(2000, 2 * maxTime), max: options.maxWarmup ?? 20_000 };
  let prev = firstMs;
  let perCall;
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
  const samples = [];
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
