// Index arithmetic shared by the interpreter ops: the NCHW offset of docs/operations.md and the
// test for a position on the map (conv reads 0 off the map; pooling skips it).

/** Flat offset of X[t][k][i][j] in a block of C channels of H×W maps. */
export function at(C: number, H: number, W: number, t: number, k: number, i: number, j: number): number {
  return ((t * C + k) * H + i) * W + j;
}

/** True when (i, j) lies on an H×W map. */
export function inside(H: number, W: number, i: number, j: number): boolean {
  return i >= 0 && i < H && j >= 0 && j < W;
}

/** Throws when an array handed to an op has the wrong length (a bug in the caller). */
export function expectLength(what: string, a: ArrayLike<number>, n: number): void {
  if (a.length !== n) throw new Error(`${what}: expected ${n} numbers, got ${a.length}`);
}
