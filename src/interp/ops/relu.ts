// ReLU — ReLU_F, ReLU_BF: y = max(0, x); δx = δy where the forward input x > 0, else 0
// (at exactly x = 0 the sensitivity is 0).

import { expectLength } from './tensor.js';

export function reluForward(x: Float64Array): Float64Array {
  const y = new Float64Array(x.length);
  for (let e = 0; e < x.length; e++) y[e] = x[e] > 0 ? x[e] : 0;
  return y;
}

/** `x` is the forward input; `dy` the sensitivity of the output. */
export function reluBackward(x: Float64Array, dy: Float64Array): Float64Array {
  expectLength('relu backward dy', dy, x.length);
  const dx = new Float64Array(x.length);
  for (let e = 0; e < x.length; e++) dx[e] = x[e] > 0 ? dy[e] : 0;
  return dx;
}
