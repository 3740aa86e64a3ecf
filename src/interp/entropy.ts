// Entropy helpers of the notes' appendix (docs/operations.md, "Entropy"), natural logarithms.
// Terms with x = 0 are skipped (0·log 0 = 0), so a one-hot target never meets log(0).
// The *Log forms take log y instead of y: the loss uses log-softmax, which stays finite
// when y itself underflows to 0.

/** H(X) = -Σ x log x. */
export function entropy(x: ArrayLike<number>): number {
  let h = 0;
  for (let e = 0; e < x.length; e++) if (x[e] > 0) h -= x[e] * Math.log(x[e]);
  return h;
}

/** H_KL(X‖Y) = Σ x log(x/y), with log y given. */
export function klDivergenceLog(x: ArrayLike<number>, logY: ArrayLike<number>): number {
  let d = 0;
  for (let e = 0; e < x.length; e++) if (x[e] > 0) d += x[e] * (Math.log(x[e]) - logY[e]);
  return d;
}

/** H_KL(X‖Y) = Σ x log(x/y). */
export function klDivergence(x: ArrayLike<number>, y: ArrayLike<number>): number {
  return klDivergenceLog(x, Array.from(y, Math.log));
}

/** H_cross(X‖Y) = Σ x log(1/y), with log y given. */
export function crossEntropyLog(x: ArrayLike<number>, logY: ArrayLike<number>): number {
  let c = 0;
  for (let e = 0; e < x.length; e++) if (x[e] > 0) c -= x[e] * logY[e];
  return c;
}

/** H_cross(X‖Y) = Σ x log(1/y) = H_KL(X‖Y) + H(X). */
export function crossEntropy(x: ArrayLike<number>, y: ArrayLike<number>): number {
  return crossEntropyLog(x, Array.from(y, Math.log));
}

/** H(X,Y) = -Σ p log p over a joint distribution p[x][y]. */
export function jointEntropy(p: ArrayLike<number>[]): number {
  return p.reduce((h, row) => h + entropy(row), 0);
}

function marginals(p: ArrayLike<number>[]): { px: number[]; py: number[] } {
  const px = p.map((row) => Array.from(row).reduce((a, b) => a + b, 0));
  const py = Array.from(p[0] ?? [], (_, b) => p.reduce((a, row) => a + row[b], 0));
  return { px, py };
}

/** H(X|Y) = H(X,Y) - H(Y), for p[x][y]. */
export function conditionalEntropy(p: ArrayLike<number>[]): number {
  return jointEntropy(p) - entropy(marginals(p).py);
}

/** I(X;Y) = H(X) + H(Y) - H(X,Y), for p[x][y]. */
export function mutualInformation(p: ArrayLike<number>[]): number {
  const { px, py } = marginals(p);
  return entropy(px) + entropy(py) - jointEntropy(p);
}
