// What the peer engines need to run a cnnc network with the same numbers: explicit conv
// padding that reproduces the anchor, BN folded for inference, and weights and data moved
// between cnnc's NCHW layouts and the NHWC ones of TensorFlow.js and ConvNetJS.
import type { BnLayer, CheckedNetwork, ConvLayer, FullLayer } from '../model/checked.js';

export interface Pads { top: number; bottom: number; left: number; right: number }

/**
 * Explicit padding of a conv whose anchor is (m, n) and kernel M×N: output (i, j) reads input
 * rows i-m .. i-m+M-1 (docs/operations.md), i.e. a "valid" conv over the input padded by m rows
 * on top and M-1-m below; columns alike. A negative pad is a crop (an exclave anchor).
 */
export function convPads(layer: ConvLayer): Pads {
  const { rows: M, cols: N } = layer.kernel;
  const { row: m, col: n } = layer.anchor;
  return { top: m, bottom: M - 1 - m, left: n, right: N - 1 - n };
}

/** Splits pads into a crop (applied first) and a non-negative pad, for engines without negative padding. */
export function cropThenPad(p: Pads): { crop: Pads; pad: Pads } {
  const neg = (v: number) => Math.max(0, -v);
  const pos = (v: number) => Math.max(0, v);
  return {
    crop: { top: neg(p.top), bottom: neg(p.bottom), left: neg(p.left), right: neg(p.right) },
    pad: { top: pos(p.top), bottom: pos(p.bottom), left: pos(p.left), right: pos(p.right) },
  };
}

/**
 * BN in inference mode as one affine op per position (or per channel):
 * y = γ·(x - runningMean)/sqrt(runningVar + ε) + β = scale·x + shift.
 * Per-position BN has no peer equivalent; this folded form is exact at inference.
 */
export function foldBn(layer: BnLayer, p: Record<string, Float64Array>): { scale: Float64Array; shift: Float64Array } {
  const n = p.gamma.length;
  const scale = new Float64Array(n);
  const shift = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    scale[i] = p.gamma[i] / Math.sqrt(p.runningVar[i] + layer.eps);
    shift[i] = p.beta[i] - p.runningMean[i] * scale[i];
  }
  return { scale, shift };
}

/** [T][C][H][W] → [T][H][W][C]. */
export function nchwToNhwc(x: ArrayLike<number>, t: number, c: number, h: number, w: number): Float32Array {
  const y = new Float32Array(t * c * h * w);
  for (let s = 0; s < t; s++)
    for (let k = 0; k < c; k++)
      for (let i = 0; i < h; i++)
        for (let j = 0; j < w; j++) y[((s * h + i) * w + j) * c + k] = x[((s * c + k) * h + i) * w + j];
  return y;
}

/** [T][H][W][C] → [T][C][H][W]. */
export function nhwcToNchw(x: ArrayLike<number>, t: number, c: number, h: number, w: number): Float64Array {
  const y = new Float64Array(t * c * h * w);
  for (let s = 0; s < t; s++)
    for (let k = 0; k < c; k++)
      for (let i = 0; i < h; i++)
        for (let j = 0; j < w; j++) y[((s * c + k) * h + i) * w + j] = x[((s * h + i) * w + j) * c + k];
  return y;
}

/** Conv weights w[k][k'][p][q] (OIHW) → TensorFlow.js filter [p][q][k'][k] (HWIO). */
export function convWeightsHwio(layer: ConvLayer, w: ArrayLike<number>): Float32Array {
  const { rows: M, cols: N } = layer.kernel;
  const O = layer.output.c;
  const I = layer.input.c;
  const y = new Float32Array(O * I * M * N);
  for (let k = 0; k < O; k++)
    for (let c = 0; c < I; c++)
      for (let p = 0; p < M; p++)
        for (let q = 0; q < N; q++) y[((p * N + q) * I + c) * O + k] = w[((k * I + c) * M + p) * N + q];
  return y;
}

/** Inverse of convWeightsHwio, to compare a peer's weight gradient with cnnc's. */
export function convWeightsFromHwio(layer: ConvLayer, y: ArrayLike<number>): Float64Array {
  const { rows: M, cols: N } = layer.kernel;
  const O = layer.output.c;
  const I = layer.input.c;
  const w = new Float64Array(O * I * M * N);
  for (let k = 0; k < O; k++)
    for (let c = 0; c < I; c++)
      for (let p = 0; p < M; p++)
        for (let q = 0; q < N; q++) w[((k * I + c) * M + p) * N + q] = y[((p * N + q) * I + c) * O + k];
  return w;
}

/**
 * Full weights w[k][k'] with k' in NCHW order (c, i, j) → the same matrix with its columns in
 * NHWC order (i, j, c), for engines that flatten NHWC blocks. Row-major [out][K].
 */
export function fullWeightsNhwcColumns(layer: FullLayer, w: ArrayLike<number>): Float32Array {
  const { c: C, h: H, w: W } = layer.input;
  const out = layer.output.c;
  const K = C * H * W;
  const y = new Float32Array(out * K);
  for (let r = 0; r < out; r++)
    for (let c = 0; c < C; c++)
      for (let i = 0; i < H; i++)
        for (let j = 0; j < W; j++) y[r * K + (i * W + j) * C + c] = w[r * K + (c * H + i) * W + j];
  return y;
}

/** Inverse of fullWeightsNhwcColumns. */
export function fullWeightsFromNhwcColumns(layer: FullLayer, y: ArrayLike<number>): Float64Array {
  const { c: C, h: H, w: W } = layer.input;
  const out = layer.output.c;
  const K = C * H * W;
  const w = new Float64Array(out * K);
  for (let r = 0; r < out; r++)
    for (let c = 0; c < C; c++)
      for (let i = 0; i < H; i++)
        for (let j = 0; j < W; j++) w[r * K + (c * H + i) * W + j] = y[r * K + (i * W + j) * C + c];
  return w;
}

/** Why a peer cannot run this network at all, or null. (Every peer refuses ceil-mode pools.) */
export function unsupportedReason(net: CheckedNetwork): string | null {
  for (const l of net.layers) {
    if (l.op === 'pool' && l.round === 'ceil') return `pool ${l.name} uses round=ceil, which the peers' max pools do not reproduce`;
  }
  return null;
}

/** A copy of the network with another mini-batch size (the checked model is plain data). */
export function withBatch(net: CheckedNetwork, batch: number): CheckedNetwork {
  return { ...net, batch };
}
