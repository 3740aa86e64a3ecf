// "A wrong answer is not a fast answer": every engine's output is compared with cnnc's on
// the same weights and data before it is timed. Float32 engines against the float64
// interpreter differ by rounding only, so the tolerance is relative to the largest value.

export interface Agreement {
  ok: boolean;
  /** Largest |a - b|. */
  maxAbsError: number;
  /** maxAbsError / max(|b|), the scale of the reference. */
  relError: number;
  /** Where the largest difference is. */
  at: number;
  detail: string;
}

export function compareArrays(what: string, actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: number): Agreement {
  if (actual.length !== expected.length) {
    return { ok: false, maxAbsError: Infinity, relError: Infinity, at: -1, detail: `${what}: ${actual.length} numbers, expected ${expected.length}` };
  }
  let maxAbsError = 0;
  let scale = 0;
  let at = -1;
  for (let i = 0; i < expected.length; i++) {
    const d = Math.abs(actual[i] - expected[i]);
    if (!(d <= maxAbsError)) { // also catches NaN
      maxAbsError = Number.isNaN(d) ? Infinity : d;
      at = i;
    }
    scale = Math.max(scale, Math.abs(expected[i]));
  }
  const relError = maxAbsError / Math.max(scale, 1e-30);
  const ok = relError <= tolerance;
  const detail = `${what}: max |difference| ${maxAbsError.toExponential(2)} (${relError.toExponential(2)} of the largest value${at >= 0 ? `, at index ${at}: ${actual[at]} vs ${expected[at]}` : ''})`;
  return { ok, maxAbsError, relError, at, detail };
}
