// Property: on both targets (JS and WebAssembly), for random small valid networks (kernels
// 1-6 on each axis, anchors -2..M+1, pools of any size, stride and rounding, both BN modes,
// batch 1-5, with and without softmax, conv and full with and without bias), the compiled module (its emitted .js, evaluated in-process) agrees
// with the interpreter on every activation, path, sensitivity, gradient, the loss and the
// input sensitivity, in training mode.
// Inputs, weights and targets are multiples of 1/16: conv, pool and full sums are then exact
// in both float64 and float32 whatever the summation order, so ties in pools break the same
// way on both sides and only BN and softmax contribute rounding.
import { describe, it } from 'vitest';
import fc from 'fast-check';
import { check, networkArb } from './helpers/property-network.js';

describe('generated modules agree with the interpreter on random networks', () => {
  // 4 × 50 = 200 networks; split so that a failure report names a smaller batch.
  for (let part = 0; part < 4; part++) {
    it(`networks ${part * 50 + 1}-${part * 50 + 50}`, () => {
      fc.assert(fc.property(networkArb, (r) => check(r)), { numRuns: 50 });
    }, 180_000);
  }
});
