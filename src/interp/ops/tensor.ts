// Index arithmetic shared by every interpreter op: the NCHW offset of operations.md and
// the pad condition (a read outside the map is 0). Written once so that conv forward,
// conv backward (the rotated window), conv gradient and pooling all agree on borders.

/** Flat offset of X[t][k][i][j] in a block of C channels of H×W maps. */
export function at(C: number, H: number, W: number, t: number, k: number, i: number, j: number): number {
  return ((t * C + k) * H + i) * W + j;
}

/** True when (i, j) lies on an H×W map. */
export function inside(H: number, W: number, i: number, j: number): boolean {
  return i >= 0 && i < H && j >= 0 && j < W;
}

/** X[t][k][i][j], or 0 when (i, j) is off the map (the pad condition). */
export function readPadded(
  X: Float64Array, C: number, H: number, W: number, t: number, k: number, i: number, j: number,
): number {
  return inside(H, W, i, j) ? X[at(C, H, W, t, k, i, j)] : 0;
}

/** Throws when an array handed to an op has the wrong length (a bug in the caller). */
export function expectLength(what: string, a: ArrayLike<number>, n: number): void {
  if (a.length !== n) throw new Error(`${what}: expected ${n} numbers, got ${a.length}`);
}
