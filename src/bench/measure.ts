// The warm-up shared by `cnnc bench` and the peers harness (bench/peers/lib/measure.mjs):
// every engine is first run until the time per call settles (generated kernels are long
// functions that V8 optimises only after seconds of calls, and a user's training loop runs
// the optimised code); only then is it timed.

const now = (): number => performance.now();

export interface WarmupLimits { min: number; max: number }

/**
 * A warm-up round's verdict: settled once `min` ms have passed and the time per call is
 * within 10% of the round before (two slow rounds before V8 optimises look alike, hence the
 * minimum), or when `max` ms have passed.
 */
export const settled = (perCall: number, prev: number, started: number, limits: WarmupLimits): boolean => {
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
