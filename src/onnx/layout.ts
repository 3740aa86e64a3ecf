// What another engine needs to run a cnnc layer with the same numbers: explicit conv padding
// that reproduces the anchor (a crop first where it is negative), BN folded into one
// affine op for inference, and the padding that makes a floor-rounded pool clip like round=ceil. Used by the ONNX writer and by the peers harness (bench/peers).
import type { BnLayer, ConvLayer, PoolLayer } from '../model/checked.js';

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
 * Per-position BN has no ONNX equivalent; this folded form is exact at inference.
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

/**
 * Rows added below and columns added right of a pool's input so that a floor-rounded max
 * pool over the padded map has the layer's output size and every pool sees exactly the
 * cells cnnc's pool sees. With round=ceil the last pools are clipped to the map
 * (docs/operations.md): padding with values that never win a max (ONNX MaxPool's pads, or
 * -inf) reproduces the clipping, and since every pool starts on the map none sees padding
 * alone. 0 for floor rounding, and for ceil when the last pool already fits (pools with
 * gaps); always less than the pool size.
 */
export function poolPads(layer: PoolLayer): { bottom: number; right: number } {
  const extra = (inSize: number, outSize: number, size: number, stride: number) => Math.max(0, (outSize - 1) * stride + size - inSize);
  return {
    bottom: extra(layer.input.h, layer.output.h, layer.size.rows, layer.stride.rows),
    right: extra(layer.input.w, layer.output.w, layer.size.cols, layer.stride.cols),
  };
}
