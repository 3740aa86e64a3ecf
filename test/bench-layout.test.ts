// The layout helpers the peers rely on. The key claim — explicit padding (top m, bottom
// M-1-m, left n, right N-1-n; a crop where negative) followed by a plain "valid"
// correlation reproduces cnnc's anchored conv — is checked against the interpreter with a
// naive valid correlation written here, for ordinary, even and exclave anchors.
import { describe, expect, it } from 'vitest';
import { convPads, cropThenPad, foldBn } from '../src/onnx/layout.js';
import {
  convWeightsHwio, convWeightsFromHwio, fullWeightsNhwcColumns, fullWeightsFromNhwcColumns, nchwToNhwc, nhwcToNchw,
} from '../bench/peers/lib/layout.mjs';
import { compareArrays } from '../src/bench/compare.js';
import { buildNetwork } from '../src/model/build.js';
import { mulberry32 } from '../src/model/init.js';
import { bnForward, convForward } from '../src/interp/index.js';
import type { BnLayer, ConvLayer, FullLayer } from '../src/model/checked.js';

const rand = (n: number, seed: number) => { const r = mulberry32(seed); return Float64Array.from({ length: n }, () => 2 * r() - 1); };

/** Crops, zero-pads, then slides the window with no padding at all (what a peer does). */
function viaExplicitPadding(layer: ConvLayer, T: number, x: Float64Array, w: Float64Array): Float64Array {
  const { c: C, h: H, w: W } = layer.input;
  const K = layer.output.c;
  const { rows: M, cols: N } = layer.kernel;
  const { crop, pad } = cropThenPad(convPads(layer));
  const Hc = H - crop.top - crop.bottom;
  const Wc = W - crop.left - crop.right;
  const Hp = Hc + pad.top + pad.bottom;
  const Wp = Wc + pad.left + pad.right;
  const xp = new Float64Array(T * C * Hp * Wp);
  for (let t = 0; t < T; t++) for (let c = 0; c < C; c++) for (let i = 0; i < Hc; i++) for (let j = 0; j < Wc; j++) {
    xp[((t * C + c) * Hp + i + pad.top) * Wp + j + pad.left] = x[((t * C + c) * H + i + crop.top) * W + j + crop.left];
  }
  const Ho = Hp - M + 1;
  const Wo = Wp - N + 1;
  const y = new Float64Array(T * K * Ho * Wo);
  for (let t = 0; t < T; t++) for (let k = 0; k < K; k++) for (let i = 0; i < Ho; i++) for (let j = 0; j < Wo; j++) {
    let s = 0;
    for (let c = 0; c < C; c++) for (let p = 0; p < M; p++) for (let q = 0; q < N; q++) s += w[((k * C + c) * M + p) * N + q] * xp[((t * C + c) * Hp + i + p) * Wp + j + q];
    y[((t * K + k) * Ho + i) * Wo + j] = s;
  }
  return y;
}

describe('convPads', () => {
  it('gives top m, bottom M-1-m, left n, right N-1-n', () => {
    const net = buildNetwork({ name: 'n', input: [1, 8, 8], layers: [{ op: 'conv', out: 1, kernel: [5, 6], anchor: [2, 1] }] });
    expect(convPads(net.layers[0] as ConvLayer)).toEqual({ top: 2, bottom: 2, left: 1, right: 4 });
    expect(cropThenPad({ top: -1, bottom: 3, left: 4, right: -2 })).toEqual({
      crop: { top: 1, bottom: 0, left: 0, right: 2 }, pad: { top: 0, bottom: 3, left: 4, right: 0 },
    });
  });

  const cases: { kernel: [number, number]; anchor?: [number, number] }[] = [
    { kernel: [3, 3] }, { kernel: [5, 6], anchor: [2, 1] }, { kernel: [4, 2] }, { kernel: [3, 3], anchor: [-1, 4] },
    { kernel: [2, 3], anchor: [3, -2] }, { kernel: [1, 1], anchor: [0, 0] },
  ];
  for (const { kernel, anchor } of cases) {
    it(`reproduces the anchored conv: kernel ${kernel.join('x')}, anchor ${anchor ? anchor.join(',') : 'default'}`, () => {
      const net = buildNetwork({ name: 'n', batch: 2, input: [2, 6, 7], layers: [{ op: 'conv', out: 3, kernel, anchor }] });
      const layer = net.layers[0] as ConvLayer;
      const x = rand(2 * 2 * 6 * 7, 1);
      const w = rand(layer.params[0].size, 2);
      const got = viaExplicitPadding(layer, 2, x, w);
      const want = convForward(layer, 2, x, w);
      expect(got.length).toBe(want.length);
      expect(compareArrays('conv', got, want, 1e-12).ok).toBe(true);
    });
  }
});

describe('layouts', () => {
  it('moves NCHW blocks to NHWC and back', () => {
    // T=1, C=2, H=1, W=2: NCHW [c0(0,0), c0(0,1), c1(0,0), c1(0,1)] → NHWC [c0, c1 at (0,0); c0, c1 at (0,1)]
    expect([...nchwToNhwc([1, 2, 3, 4], 1, 2, 1, 2)]).toEqual([1, 3, 2, 4]);
    const x = rand(2 * 3 * 4 * 5, 3);
    expect(compareArrays('round trip', nhwcToNchw(nchwToNhwc(x, 2, 3, 4, 5), 2, 3, 4, 5), Float64Array.from(x, Math.fround), 0).ok).toBe(true);
  });

  it('puts conv weights w[k][c][p][q] at HWIO [p][q][c][k]', () => {
    const net = buildNetwork({ name: 'n', input: [2, 6, 6], layers: [{ op: 'conv', out: 3, kernel: [4, 5] }] });
    const layer = net.layers[0] as ConvLayer;
    const w = rand(3 * 2 * 4 * 5, 4);
    const h = convWeightsHwio(layer, w);
    // k=1, c=0, p=2, q=3: OIHW ((1*2+0)*4+2)*5+3 = 53; HWIO ((2*5+3)*2+0)*3+1 = 79
    expect(h[79]).toBe(Math.fround(w[53]));
    expect(compareArrays('round trip', convWeightsFromHwio(layer, h), Float64Array.from(w, Math.fround), 0).ok).toBe(true);
  });

  it('reorders full-layer columns so that an NHWC-flattened input gives the same outputs', () => {
    const net = buildNetwork({ name: 'n', input: [3, 2, 4], layers: [{ op: 'full', out: 5 }] });
    const layer = net.layers[0] as FullLayer;
    const K = 24;
    const w = rand(5 * K, 5);
    const x = rand(K, 6);
    const wn = fullWeightsNhwcColumns(layer, w);
    const xn = nchwToNhwc(x, 1, 3, 2, 4);
    for (let r = 0; r < 5; r++) {
      let a = 0;
      let b = 0;
      for (let e = 0; e < K; e++) { a += w[r * K + e] * x[e]; b += wn[r * K + e] * xn[e]; }
      expect(b).toBeCloseTo(a, 5);
    }
    expect(compareArrays('round trip', fullWeightsFromNhwcColumns(layer, wn), Float64Array.from(w, Math.fround), 0).ok).toBe(true);
  });

  it('folds inference-mode BN into scale·x + shift', () => {
    for (const mode of ['position', 'channel'] as const) {
      const net = buildNetwork({ name: 'n', batch: 3, input: [2, 3, 3], layers: [{ op: 'bn', name: 'b', mode, eps: 1e-3 }] });
      const layer = net.layers[0] as BnLayer;
      const n = layer.params[0].size;
      const p = { gamma: rand(n, 7), beta: rand(n, 8), runningMean: rand(n, 9), runningVar: Float64Array.from(rand(n, 10), (v) => v + 1.5) };
      const x = rand(3 * 18, 11);
      const want = bnForward(layer, 3, x, p, false).y;
      const { scale, shift } = foldBn(layer, p);
      const per = mode === 'position' ? 1 : 9;
      const got = Float64Array.from(x, (v, e) => { const k = Math.floor((e % 18) / per); return scale[k] * v + shift[k]; });
      expect(compareArrays(mode, got, want, 1e-12).ok).toBe(true);
    }
  });
});

describe('compareArrays', () => {
  it('measures the largest difference against the largest reference value and catches NaN', () => {
    const a = compareArrays('a', [1, 2.5, -4], [1, 2, -4], 0.2);
    expect(a.maxAbsError).toBe(0.5);
    expect(a.relError).toBe(0.125); // 0.5 / 4
    expect(a.ok).toBe(true);
    expect(a.at).toBe(1);
    expect(compareArrays('b', [NaN, 0], [0, 1], 1).ok).toBe(false);
    expect(compareArrays('c', [0], [0, 1], 1).ok).toBe(false);
  });
});
