// Worked-by-hand cases for every interpreter operation: small enough to check on paper,
// the arithmetic in the comments.
import { describe, expect, it } from 'vitest';
import { buildNetwork, type LayerSpec } from '../src/model/build.js';
import type { BnLayer, ConvLayer, FullLayer, Layer, PoolLayer } from '../src/model/checked.js';
import {
  backwardKernel, bnBackward, bnForward, convBackward, convForward, convGrad, fullBackward, fullForward, fullGrad,
  poolBackward, poolForward, reluBackward, reluForward, softmaxCrossEntropy, softmaxForward,
  entropy, klDivergence, crossEntropy, jointEntropy, conditionalEntropy, mutualInformation,
} from '../src/interp/index.js';

const f64 = (a: number[]) => Float64Array.from(a);
const list = (a: ArrayLike<number>) => Array.from(a);

function layerOf<L extends Layer>(input: [number, number, number], spec: LayerSpec, batch = 1): L {
  return buildNetwork({ name: 'n', batch, input, layers: [spec] }).layers[0] as L;
}

describe('conv by hand', () => {
  // x = 1 2 3     w = 1 2     anchor (0,0): y[i][j] = 1·x[i][j] + 2·x[i][j+1] + 3·x[i+1][j] + 4·x[i+1][j+1]
  //     4 5 6         3 4
  //     7 8 9
  const layer = layerOf<ConvLayer>([1, 3, 3], { op: 'conv', out: 1, kernel: [2, 2] });
  const x = f64([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  const w = f64([1, 2, 3, 4]);

  it('default anchor of an even kernel is (0,0); forward reads 0 off the map', () => {
    expect(layer.anchor).toEqual({ row: 0, col: 0 });
    // y00 = 1+4+12+20 = 37   y01 = 2+6+15+24 = 47   y02 = 3+0+18+0 = 21
    // y10 = 4+10+21+32 = 67  y11 = 5+12+24+36 = 77  y12 = 6+0+27+0 = 33
    // y20 = 7+16+0+0 = 23    y21 = 8+18 = 26        y22 = 9
    expect(list(convForward(layer, 1, x, w))).toEqual([37, 47, 21, 67, 77, 33, 23, 26, 9]);
  });

  it('exclave anchor (0,3) beyond a 1x2 window: y[j] = 1·x[j-3] + 10·x[j-2]', () => {
    const l = layerOf<ConvLayer>([1, 1, 5], { op: 'conv', out: 1, kernel: [1, 2], anchor: [0, 3] });
    // x = 1 2 3 4 5: y0 = 0, y1 = 0, y2 = 10·1, y3 = 1 + 10·2, y4 = 2 + 10·3
    expect(list(convForward(l, 1, f64([1, 2, 3, 4, 5]), f64([1, 10])))).toEqual([0, 0, 10, 21, 32]);
  });

  it('negative anchor (-1,0): output row i reads input row i+1', () => {
    const l = layerOf<ConvLayer>([1, 3, 1], { op: 'conv', out: 1, kernel: [1, 1], anchor: [-1, 0] });
    expect(list(convForward(l, 1, f64([1, 2, 3]), f64([2])))).toEqual([4, 6, 0]);
  });

  it('channels: y[k] = Σ_k\' w[k][k\'] · x[k\'] for 1x1 kernels, batch of 2', () => {
    const l = layerOf<ConvLayer>([2, 1, 1], { op: 'conv', out: 2, kernel: [1, 1] }, 2);
    // w = [[1,2],[3,4]]; sample 0 x = (1,1) → (3,7); sample 1 x = (2,-1) → (0,2)
    expect(list(convForward(l, 2, f64([1, 1, 2, -1]), f64([1, 2, 3, 4])))).toEqual([3, 7, 0, 2]);
  });

  it('backward kernel: each window rotated by 180°', () => {
    const l = layerOf<ConvLayer>([1, 4, 4], { op: 'conv', out: 1, kernel: [2, 3] });
    // w = 1 2 3   →   v = 6 5 4
    //     4 5 6           3 2 1
    expect(list(backwardKernel(l, f64([1, 2, 3, 4, 5, 6])))).toEqual([6, 5, 4, 3, 2, 1]);
  });

  it('backward kernel: channel blocks transposed', () => {
    const l = layerOf<ConvLayer>([3, 2, 2], { op: 'conv', out: 2, kernel: [1, 1] });
    // w[k][k'] = 10k + k' (2×3)  →  v[k'][k] = 10k + k' (3×2)
    expect(list(backwardKernel(l, f64([0, 1, 2, 10, 11, 12])))).toEqual([0, 10, 1, 11, 2, 12]);
  });

  it('backward: a sensitivity at output (1,1) goes back to the four inputs that made it', () => {
    // y11 = 1·x11 + 2·x12 + 3·x21 + 4·x22, so δ_r = e(1,1) gives δ_l = w placed at (1..2, 1..2)
    const dy = f64([0, 0, 0, 0, 1, 0, 0, 0, 0]);
    expect(list(convBackward(layer, 1, dy, w))).toEqual([0, 0, 0, 0, 1, 2, 0, 3, 4]);
    // y22 = 1·x22 only (the rest of its window is off the map)
    expect(list(convBackward(layer, 1, f64([0, 0, 0, 0, 0, 0, 0, 0, 1]), w))).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 1]);
  });

  it('weight gradient with δ_r = 1 everywhere: Δw[p][q] sums x over the shifted map', () => {
    // Δw00 = Σ x = 45; Δw01 = columns 1..2 = 2+3+5+6+8+9 = 33
    // Δw10 = rows 1..2 = 4+5+6+7+8+9 = 39; Δw11 = rows and columns 1..2 = 5+6+8+9 = 28
    expect(list(convGrad(layer, 1, new Float64Array(9).fill(1), x))).toEqual([45, 33, 39, 28]);
  });
});

describe('bn by hand', () => {
  it('position mode, T=2: x = (1,5) → μ 3, σ² 4, x̂ = (-1,1), y = 2x̂ + 0.5', () => {
    const l = layerOf<BnLayer>([1, 1, 1], { op: 'bn', eps: 0 }, 2);
    const p = { gamma: f64([2]), beta: f64([0.5]), runningMean: f64([0]), runningVar: f64([1]) };
    const { y, cache } = bnForward(l, 2, f64([1, 5]), p, true);
    expect(list(y)).toEqual([-1.5, 2.5]);
    // running = 0.9·running + 0.1·batch: mean 0.9·0 + 0.1·3 = 0.3, var 0.9·1 + 0.1·4 = 1.3
    expect(p.runningMean[0]).toBeCloseTo(0.3, 15);
    expect(p.runningVar[0]).toBeCloseTo(1.3, 15);
    // dy = (1,0): dγ = Σ dy·x̂ = -1, dβ = 1. With T = 2, x̂ is always ±1 whatever x is,
    // so y does not depend on x and dx = 0: step 6 gives 2/2 - 0.5 - 0.5 = 0 and 0 + 0.5 - 0.5 = 0.
    const { dx, dgamma, dbeta } = bnBackward(l, 2, f64([1, 0]), cache, p.gamma);
    expect(list(dgamma)).toEqual([-1]);
    expect(list(dbeta)).toEqual([1]);
    expect(Math.abs(dx[0]) + Math.abs(dx[1])).toBeLessThan(1e-15);
  });

  it('inference mode normalises with the running statistics and leaves them alone', () => {
    const l = layerOf<BnLayer>([1, 1, 1], { op: 'bn', eps: 0 }, 1);
    const p = { gamma: f64([2]), beta: f64([0.5]), runningMean: f64([0.3]), runningVar: f64([1.3]) };
    const { y } = bnForward(l, 1, f64([1]), p, false);
    // 2·(1 - 0.3)/sqrt(1.3) + 0.5 = 2·0.7/1.1401754251 + 0.5 = 1.7278812270
    expect(y[0]).toBeCloseTo(1.727881227, 9);
    expect(list(p.runningMean)).toEqual([0.3]);
    expect(list(p.runningVar)).toEqual([1.3]);
  });

  it('channel mode pools t, i, j; position mode with T=1 gives β everywhere', () => {
    const ch = layerOf<BnLayer>([1, 2, 2], { op: 'bn', mode: 'channel', eps: 0 }, 1);
    const p = { gamma: f64([1]), beta: f64([0]), runningMean: f64([0]), runningVar: f64([1]) };
    // x = 1 2 3 4: μ = 2.5, σ² = (2.25+0.25+0.25+2.25)/4 = 1.25, sqrt = 1.1180339887
    const { y } = bnForward(ch, 1, f64([1, 2, 3, 4]), p, true);
    const s = Math.sqrt(1.25);
    list(y).forEach((v, e) => expect(v).toBeCloseTo([-1.5 / s, -0.5 / s, 0.5 / s, 1.5 / s][e], 14));
    const pos = layerOf<BnLayer>([1, 2, 2], { op: 'bn' }, 1);
    const q = { gamma: f64([1, 1, 1, 1]), beta: f64([7, 8, 9, 10]), runningMean: new Float64Array(4), runningVar: f64([1, 1, 1, 1]) };
    expect(list(bnForward(pos, 1, f64([1, 2, 3, 4]), q, true).y)).toEqual([7, 8, 9, 10]);
  });
});

describe('relu by hand', () => {
  it('max(0, x); the sensitivity at exactly x = 0 is 0', () => {
    expect(list(reluForward(f64([-1, 0, 2])))).toEqual([0, 0, 2]);
    expect(list(reluBackward(f64([-1, 0, 2]), f64([5, 6, 7])))).toEqual([0, 0, 7]);
  });
});

describe('pool by hand', () => {
  const pool = (input: [number, number, number], size: [number, number], stride: [number, number], round: 'floor' | 'ceil' = 'floor') =>
    layerOf<PoolLayer>(input, { op: 'pool', size, stride, round });

  it('overlapping 1x2 pools, stride 1: the shared maximum receives both sensitivities', () => {
    const l = pool([1, 1, 3], [1, 2], [1, 1]);
    // x = 1 5 2: pools (1,5) and (5,2) both pick x1 = 5
    const { y, path } = poolForward(l, 1, f64([1, 5, 2]));
    expect(list(y)).toEqual([5, 5]);
    expect(list(path)).toEqual([1, 1]);
    // δ_l[1] = 10 + 20
    expect(list(poolBackward(l, 1, f64([10, 20]), path))).toEqual([0, 30, 0]);
  });

  it('ties go to the first maximum in scan order, a outer, b inner', () => {
    const l = pool([1, 2, 2], [2, 2], [2, 2]);
    // 3 3 / 1 3 → the first 3, index 0
    expect(list(poolForward(l, 1, f64([3, 3, 1, 3])).path)).toEqual([0]);
    // 1 4 / 4 2 → (0,1) is scanned before (1,0): index 1
    const { y, path } = poolForward(l, 1, f64([1, 4, 4, 2]));
    expect(list(y)).toEqual([4]);
    expect(list(path)).toEqual([1]);
    expect(list(poolBackward(l, 1, f64([9]), path))).toEqual([0, 9, 0, 0]);
  });

  it('a NaN makes the output NaN and the path names the first NaN', () => {
    const l = pool([1, 2, 2], [2, 2], [2, 2]);
    const { y, path } = poolForward(l, 1, f64([1, NaN, NaN, 5]));
    expect(Number.isNaN(y[0])).toBe(true);
    expect(list(path)).toEqual([1]);
  });

  it('-Infinity everywhere still names a position inside the pool', () => {
    const l = pool([1, 1, 2], [1, 2], [1, 2]);
    const { y, path } = poolForward(l, 1, f64([-Infinity, -Infinity]));
    expect(list(y)).toEqual([-Infinity]);
    expect(list(path)).toEqual([0]);
  });

  it('ceil rounding clips the last pool to the map', () => {
    const l = pool([1, 1, 3], [1, 2], [1, 2], 'ceil');
    // width 3: ⌈(3-2)/2⌉+1 = 2 pools, columns (0,1) and (2) alone
    const { y, path } = poolForward(l, 1, f64([1, 2, 7]));
    expect(list(y)).toEqual([2, 7]);
    expect(list(path)).toEqual([1, 2]);
  });

  it('gapped pools (stride 3 > size 1) skip inputs; paths are in-map indices of a 2-d map', () => {
    const l = pool([1, 2, 5], [1, 1], [1, 3]);
    // rows kept, columns 0 and 3: y = x[i][0], x[i][3]; paths i·5 + j
    const x = f64([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const { y, path } = poolForward(l, 1, x);
    expect(list(y)).toEqual([1, 4, 6, 9]);
    expect(list(path)).toEqual([0, 3, 5, 8]);
    expect(list(poolBackward(l, 1, f64([1, 2, 3, 4]), path))).toEqual([1, 0, 0, 2, 0, 3, 0, 0, 4, 0]);
  });

  it('paths are per channel and per sample', () => {
    const l = pool([2, 1, 2], [1, 2], [1, 2]);
    // T=2, C=2: maps (1,2) (4,3) | (0,-1) (5,5) → paths 1 0 | 0 0, backward adds into each map
    const { y, path } = poolForward(l, 2, f64([1, 2, 4, 3, 0, -1, 5, 5]));
    expect(list(y)).toEqual([2, 4, 0, 5]);
    expect(list(path)).toEqual([1, 0, 0, 0]);
    expect(list(poolBackward(l, 2, f64([1, 2, 3, 4]), path))).toEqual([0, 1, 2, 0, 3, 0, 4, 0]);
  });
});

describe('full by hand', () => {
  // K_l = 2 (a 1x1x2 map), w = [[1,2],[3,4]], b = (0.5, -1)
  const l = layerOf<FullLayer>([1, 1, 2], { op: 'full', out: 2, bias: true }, 2);
  const w = f64([1, 2, 3, 4]);
  it('forward: y = Wx + b', () => {
    // x = (5,6): (5+12, 15+24) + b = (17.5, 38); x = (1,1): (3,7) + b = (3.5, 6)
    expect(list(fullForward(l, 2, f64([5, 6, 1, 1]), w, f64([0.5, -1])))).toEqual([17.5, 38, 3.5, 6]);
  });
  it('backward: δ_l = Wᵀ δ_r', () => {
    // δ_r = (1,10): (1·1 + 3·10, 2·1 + 4·10) = (31, 42); δ_r = (1,0): (1, 2)
    expect(list(fullBackward(l, 2, f64([1, 10, 1, 0]), w))).toEqual([31, 42, 1, 2]);
  });
  it('gradient sums δ_r ⊗ x over the batch; the bias gradient sums δ_r', () => {
    // (1,10)⊗(5,6) + (1,0)⊗(1,1) = [[5,6],[50,60]] + [[1,1],[0,0]]
    const g = fullGrad(l, 2, f64([1, 10, 1, 0]), f64([5, 6, 1, 1]));
    expect(list(g.w)).toEqual([6, 7, 50, 60]);
    expect(list(g.b!)).toEqual([2, 10]);
  });
  it('reads a C×H×W map as one vector in NCHW order', () => {
    const m = layerOf<FullLayer>([2, 1, 2], { op: 'full', out: 1 });
    // x[c][0][j] flattened = (1,2,3,4); w = (1,10,100,1000) → 4321
    expect(list(fullForward(m, 1, f64([1, 2, 3, 4]), f64([1, 10, 100, 1000])))).toEqual([4321]);
  });
});

describe('softmax and cross-entropy by hand', () => {
  it('x = (0, ln 3) → y = (1/4, 3/4), also shifted by 1000 (no overflow)', () => {
    const y = softmaxForward(2, 2, f64([0, Math.log(3), 1000, 1000 + Math.log(3)]));
    list(y).forEach((v, e) => expect(v).toBeCloseTo([0.25, 0.75, 0.25, 0.75][e], 12));
  });
  it('one-hot and soft labels: J = Σ -z log y, δ = y - z', () => {
    const x = f64([0, Math.log(3), 0, Math.log(3)]);
    // row 0, z = (0,1): -ln(3/4) = 0.2876820725; row 1, z = (½,½): ½ln4 + ½ln(4/3) = 0.8369882167
    const { loss, dx } = softmaxCrossEntropy(2, 2, x, f64([0, 1, 0.5, 0.5]));
    expect(loss).toBeCloseTo(0.2876820725 + 0.8369882167, 9);
    list(dx).forEach((v, e) => expect(v).toBeCloseTo([0.25, -0.25, -0.25, 0.25][e], 12));
  });
  it('never takes log(0): y underflows to 0 yet the loss is exactly 2000', () => {
    // log-softmax of (0, -2000) at k=1 is -2000 - log(1 + e^-2000) = -2000
    const { loss, dx } = softmaxCrossEntropy(1, 2, f64([0, -2000]), f64([0, 1]));
    expect(loss).toBe(2000);
    expect(list(dx)).toEqual([1, -1]);
  });
});

describe('entropy helpers by hand', () => {
  it('entropy, KL, cross-entropy', () => {
    expect(entropy([0.5, 0.5])).toBeCloseTo(Math.LN2, 15);
    expect(entropy([1, 0])).toBe(0); // 0·log 0 = 0
    // KL((½,½)‖(¼,¾)) = ½ln2 + ½ln(2/3) = ½(0.6931471806 - 0.4054651081) = 0.1438410362
    expect(klDivergence([0.5, 0.5], [0.25, 0.75])).toBeCloseTo(0.1438410362, 9);
    // cross = KL + H = 0.1438410362 + 0.6931471806
    expect(crossEntropy([0.5, 0.5], [0.25, 0.75])).toBeCloseTo(0.8369882167, 9);
    expect(crossEntropy([0, 1], [0, 0.5])).toBeCloseTo(Math.LN2, 15); // the y = 0 term has x = 0
  });
  it('joint, conditional, mutual information', () => {
    const independent = [[0.25, 0.25], [0.25, 0.25]];
    expect(jointEntropy(independent)).toBeCloseTo(Math.log(4), 15);
    expect(conditionalEntropy(independent)).toBeCloseTo(Math.LN2, 15);
    expect(mutualInformation(independent)).toBeCloseTo(0, 15);
    const copy = [[0.5, 0], [0, 0.5]]; // Y = X
    expect(conditionalEntropy(copy)).toBeCloseTo(0, 15);
    expect(mutualInformation(copy)).toBeCloseTo(Math.LN2, 15);
  });
});
