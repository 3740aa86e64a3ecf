// The emitted ReLU kernels are branch-free on the sign; this checks that every special value
// still comes out exactly as the interpreter's (Object.is: NaN, -0, ±Infinity, overflow of
// v + |v| in float64, subnormals), in both dtypes.
import { describe, expect, it } from 'vitest';
import { emitRelu } from '../src/emit/kernels/relu.js';
import { reluBackward, reluForward } from '../src/interp/index.js';
import type { ReluLayer } from '../src/model/checked.js';
import { buildNetwork } from '../src/model/build.js';
import { loadKernels } from './support/load-kernels.js';

const specials = [0, -0, 1, -1, 0.5, -2.5, NaN, Infinity, -Infinity, 1.7e308, -1.7e308, 5e-324, -5e-324, 3.4e38, -1e-40];

function layerOf(n: number): ReluLayer {
  const net = buildNetwork({ name: 'r', batch: 1, input: [1, 1, n], layers: [{ op: 'relu', name: 'r' }] });
  return net.layers[0] as ReluLayer;
}

describe('emitted relu kernels equal the interpreter on special values', () => {
  for (const dtype of ['f64', 'f32'] as const) {
    it(dtype, () => {
      const Arr = dtype === 'f32' ? Float32Array : Float64Array;
      // Every pair (x, dy) of specials: x decides the mask, dy is what is passed or dropped.
      const x = Arr.from(specials.flatMap((a) => specials.map(() => a)));
      const dy = Arr.from(specials.flatMap(() => specials));
      const k = loadKernels(emitRelu(layerOf(x.length), { dtype, batch: 1 }), dtype);
      const y = new Arr(x.length).fill(7);
      k.r_forward(x, y);
      const dx = new Arr(x.length).fill(7);
      k.r_backward(x, dy, dx);
      const wantY = Arr.from(reluForward(Float64Array.from(x)));
      const wantDx = Arr.from(reluBackward(Float64Array.from(x), Float64Array.from(dy)));
      for (let i = 0; i < x.length; i++) {
        expect(Object.is(y[i], wantY[i]), `forward x=${x[i]}: got ${Object.is(y[i], -0) ? '-0' : y[i]}`).toBe(true);
        expect(Object.is(dx[i], wantDx[i]), `backward x=${x[i]} dy=${dy[i]}: got ${Object.is(dx[i], -0) ? '-0' : dx[i]}`).toBe(true);
      }
    });
  }
});
