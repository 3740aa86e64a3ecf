// Central finite differences on every interpreter operation: each backward and gradient
// must match the numeric derivative of J = Σ G·forward(...) for a random G.
import { describe, expect, it } from 'vitest';
import { buildNetwork, type LayerSpec } from '../src/model/build.js';
import type { BnLayer, ConvLayer, FullLayer, Layer, PoolLayer } from '../src/model/checked.js';
import {
  bnBackward, bnForward, convBackward, convBiasGrad, convForward, convGrad, fullBackward, fullForward, fullGrad,
  poolBackward, poolForward, reluBackward, reluForward, softmaxBackward, softmaxCrossEntropy, softmaxForward,
} from '../src/interp/index.js';
import { dot, expectGradient, randomArray } from './fixtures/gradcheck.js';

function layerOf<L extends Layer>(input: [number, number, number], spec: LayerSpec, batch = 1): L {
  return buildNetwork({ name: 'n', batch, input, layers: [spec] }).layers[0] as L;
}

describe('conv gradients by finite differences', () => {
  const cases: { what: string; input: [number, number, number]; kernel: [number, number]; anchor?: [number, number]; out: number; T: number }[] = [
    { what: '3x3 centred', input: [2, 5, 6], kernel: [3, 3], out: 3, T: 2 },
    { what: 'even 2x2', input: [1, 4, 4], kernel: [2, 2], out: 2, T: 1 },
    { what: 'asymmetric 5x6 anchor (2,1)', input: [2, 7, 8], kernel: [5, 6], anchor: [2, 1], out: 2, T: 2 },
    { what: 'even 4x1 default anchor', input: [3, 6, 3], kernel: [4, 1], out: 2, T: 3 },
    { what: '2x3 exclave anchor (-1,3)', input: [2, 6, 5], kernel: [2, 3], anchor: [-1, 3], out: 3, T: 2 },
    { what: '3x2 anchor beyond the window (4,-2)', input: [1, 5, 5], kernel: [3, 2], anchor: [4, -2], out: 2, T: 1 },
    { what: 'anchor on the edge (0,2) of 3x3', input: [2, 4, 5], kernel: [3, 3], anchor: [0, 2], out: 2, T: 2 },
  ];
  for (const c of cases)
    it(c.what, () => {
      const layer = layerOf<ConvLayer>(c.input, { op: 'conv', out: c.out, kernel: c.kernel, anchor: c.anchor });
      const [Cl, H, W] = c.input;
      const x = randomArray(c.T * Cl * H * W, 1);
      const w = randomArray(c.out * Cl * c.kernel[0] * c.kernel[1], 2);
      const G = randomArray(c.T * c.out * H * W, 3);
      const J = () => dot(G, convForward(layer, c.T, x, w));
      expectGradient('dx', convBackward(layer, c.T, G, w), x, J);
      expectGradient('dw', convGrad(layer, c.T, G, x), w, J);
    });

  // bias=true: Δb[k] = Σ_{t,i,j} δ_r[t][k][i][j]; the sensitivities and Δw do not change.
  for (const c of cases.filter((_, i) => i % 2 === 0))
    it(`${c.what}, with bias`, () => {
      const layer = layerOf<ConvLayer>(c.input, { op: 'conv', out: c.out, kernel: c.kernel, anchor: c.anchor, bias: true });
      expect(layer.params.map((p) => p.key)).toEqual(['w', 'b']);
      const [Cl, H, W] = c.input;
      const x = randomArray(c.T * Cl * H * W, 11);
      const w = randomArray(c.out * Cl * c.kernel[0] * c.kernel[1], 12);
      const b = randomArray(c.out, 13);
      const G = randomArray(c.T * c.out * H * W, 14);
      const J = () => dot(G, convForward(layer, c.T, x, w, b));
      expectGradient('db', convBiasGrad(layer, c.T, G), b, J);
      expectGradient('dx', convBackward(layer, c.T, G, w), x, J);
      expectGradient('dw', convGrad(layer, c.T, G, x), w, J);
    });
});

describe('bn gradients by finite differences', () => {
  for (const mode of ['position', 'channel'] as const)
    for (const T of [1, 3, 5])
      it(`${mode} mode, batch ${T}`, () => {
        const layer = layerOf<BnLayer>([2, 3, 2], { op: 'bn', mode }, T);
        const n = T * 12;
        const G = mode === 'position' ? 12 : 2;
        const x = randomArray(n, 100 + T, -2, 2);
        const gamma = randomArray(G, 11, 0.5, 1.5);
        const beta = randomArray(G, 12);
        const dy = randomArray(n, 13);
        const params = () => ({ gamma, beta, runningMean: new Float64Array(G), runningVar: new Float64Array(G).fill(1) });
        const J = () => dot(dy, bnForward(layer, T, x, params(), true).y);
        const { cache } = bnForward(layer, T, x, params(), true);
        const { dx, dgamma, dbeta } = bnBackward(layer, T, dy, cache, gamma);
        expectGradient('dx', dx, x, J);
        expectGradient('dgamma', dgamma, gamma, J);
        expectGradient('dbeta', dbeta, beta, J);
      });

  it('inference mode uses the running statistics as constants', () => {
    const layer = layerOf<BnLayer>([2, 2, 2], { op: 'bn' }, 3);
    const x = randomArray(24, 20);
    const p = { gamma: randomArray(8, 21, 0.5, 1.5), beta: randomArray(8, 22), runningMean: randomArray(8, 23), runningVar: randomArray(8, 24, 0.5, 2) };
    const dy = randomArray(24, 25);
    const J = () => dot(dy, bnForward(layer, 3, x, p, false).y);
    const { dx, dgamma, dbeta } = bnBackward(layer, 3, dy, bnForward(layer, 3, x, p, false).cache, p.gamma);
    expectGradient('dx', dx, x, J);
    expectGradient('dgamma', dgamma, p.gamma, J);
    expectGradient('dbeta', dbeta, p.beta, J);
  });
});

describe('relu, pool, full, softmax gradients by finite differences', () => {
  it('relu away from the kink', () => {
    // |x| ≥ 0.1 everywhere, so ±h never crosses 0.
    const x = randomArray(20, 30).map((v) => (v >= 0 ? v + 0.1 : v - 0.1));
    const G = randomArray(20, 31);
    expectGradient('dx', reluBackward(x, G), x, () => dot(G, reluForward(x)));
  });

  const pools: { what: string; input: [number, number, number]; size: [number, number]; stride: [number, number]; round: 'floor' | 'ceil' }[] = [
    { what: 'overlapping 3x3 stride 2, ceil', input: [2, 7, 8], size: [3, 3], stride: [2, 2], round: 'ceil' },
    { what: 'gapped 2x2 stride 3, ceil', input: [1, 8, 7], size: [2, 2], stride: [3, 3], round: 'ceil' },
    { what: 'gapped 2x1 stride (3,2), floor', input: [2, 7, 5], size: [2, 1], stride: [3, 2], round: 'floor' },
    { what: 'pool larger than the map, ceil', input: [1, 2, 3], size: [3, 4], stride: [1, 1], round: 'ceil' },
  ];
  for (const c of pools)
    it(`pool ${c.what}`, () => {
      const layer = layerOf<PoolLayer>(c.input, { op: 'pool', size: c.size, stride: c.stride, round: c.round });
      const T = 2;
      const n = T * c.input[0] * c.input[1] * c.input[2];
      // Distinct values spaced 0.01 apart (a permutation), so no tie is within ±h.
      const next = randomArray(n, 40);
      const order = Array.from({ length: n }, (_, e) => e).sort((a, b) => next[a] - next[b]);
      const x = new Float64Array(n);
      order.forEach((e, rank) => (x[e] = rank * 0.01));
      const G = randomArray(T * layer.output.c * layer.output.h * layer.output.w, 41);
      const { path } = poolForward(layer, T, x);
      expectGradient('dx', poolBackward(layer, T, G, path), x, () => dot(G, poolForward(layer, T, x).y));
    });

  for (const bias of [false, true])
    it(`full after a 3x2x4 map${bias ? ', with bias' : ''}`, () => {
      const layer = layerOf<FullLayer>([3, 2, 4], { op: 'full', out: 5, bias }, 3);
      const x = randomArray(3 * 24, 50);
      const w = randomArray(5 * 24, 51);
      const b = bias ? randomArray(5, 52) : undefined;
      const G = randomArray(15, 53);
      const J = () => dot(G, fullForward(layer, 3, x, w, b));
      expectGradient('dx', fullBackward(layer, 3, G, w), x, J);
      const g = fullGrad(layer, 3, G, x);
      expectGradient('dw', g.w, w, J);
      if (b) expectGradient('db', g.b!, b, J);
      else expect(g.b).toBeUndefined();
    });

  it('softmax cross-entropy with soft labels', () => {
    const T = 3;
    const K = 4;
    const x = randomArray(T * K, 60, -3, 3);
    const z = new Float64Array([0.1, 0.2, 0.3, 0.4, 0, 1, 0, 0, 0.25, 0.25, 0.5, 0]);
    const { dx } = softmaxCrossEntropy(T, K, x, z);
    expectGradient('dx', dx, x, () => softmaxCrossEntropy(T, K, x, z).loss);
  });

  it('softmax Jacobian (backward from an output sensitivity)', () => {
    const x = randomArray(10, 61, -2, 2);
    const G = randomArray(10, 62);
    const y = softmaxForward(2, 5, x);
    expectGradient('dx', softmaxBackward(2, 5, y, G), x, () => dot(G, softmaxForward(2, 5, x)));
  });
});

describe('conv backward against the "equivalently" form of docs/operations.md', () => {
  // δ_l[i'][j'] = Σ w[k][k'][p][q] · δ_r[i'+m-p][j'+n-q], written out independently here.
  for (const [M, N, m, n] of [[3, 3, 1, 1], [2, 5, 0, 4], [4, 1, -2, 0], [1, 3, 3, -1]])
    it(`${M}x${N} anchored (${m},${n})`, () => {
      const [Cl, Cr, H, W, T] = [2, 3, 5, 4, 2];
      const layer = layerOf<ConvLayer>([Cl, H, W], { op: 'conv', out: Cr, kernel: [M, N], anchor: [m, n] });
      const w = randomArray(Cr * Cl * M * N, 70);
      const dy = randomArray(T * Cr * H * W, 71);
      const expected = new Float64Array(T * Cl * H * W);
      for (let t = 0; t < T; t++)
        for (let kp = 0; kp < Cl; kp++)
          for (let ip = 0; ip < H; ip++)
            for (let jp = 0; jp < W; jp++)
              for (let k = 0; k < Cr; k++)
                for (let p = 0; p < M; p++)
                  for (let q = 0; q < N; q++) {
                    const i = ip + m - p;
                    const j = jp + n - q;
                    if (i < 0 || i >= H || j < 0 || j >= W) continue;
                    expected[((t * Cl + kp) * H + ip) * W + jp] += w[((k * Cl + kp) * M + p) * N + q] * dy[((t * Cr + k) * H + i) * W + j];
                  }
      const got = convBackward(layer, T, dy, w);
      got.forEach((v, e) => expect(v).toBeCloseTo(expected[e], 12));
    });
});
