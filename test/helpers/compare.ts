// Element-wise agreement used by the generated-vs-interpreter tests: each element a must
// satisfy |a - b| <= tol · max(|b|, m/100), m the largest |b| of the tensor (relative, with a
// floor for elements made small by cancellation; the same rule as the generated tests), plus
// an absolute `atol` for tensors that are rounding noise around an exact 0 (BN over a line of
// equal values has σ² = 0 and multiplies that noise by 1/sqrt(ε)).
export function closeTo(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, atol = 0): string | null {
  if (actual.length !== expected.length) return `length ${actual.length}, expected ${expected.length}`;
  let m = 0;
  for (let i = 0; i < expected.length; i++) m = Math.max(m, Math.abs(expected[i]));
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i], b = expected[i];
    const bound = tol * Math.max(Math.abs(b), m / 100) + atol;
    if (!(Math.abs(a - b) <= bound)) return `[${i}]: ${a}, expected ${b} (allowed ${bound})`;
  }
  return null;
}
