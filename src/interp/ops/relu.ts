// ReLU — ReLU_F, ReLU_BF: y = max(0, x); δx = δy where the forward input x > 0, else 0
// (at exactly x = 0 the sensitivity is 0). NaN propagates as IEEE max would: a NaN input
// gives a NaN output and a NaN sensitivity (ReLU must not turn a broken value into a
// confident 0); -0 and -Infinity give +0.

import { expectLength } from './tensor.js';

export function reluForward(x: Float64Array): Float64Array {
  const y = new Float64Array(x.length);
  for (let e = 0; e < x.length; e++) y[e] = x[e] > 0 || Number.isNaN(x[e]) ? x[e] : 0;
  return y;
}

/** `x` is the forward input; `dy` the sensitivity of the output. */
export function reluBackward(x: Float64Array, dy: Float64Array): Float64Array {
  expectLength('relu backward dy', dy, x.length);
  const dx = new Float64Array(x.length);
  for (let e = 0; e < x.length; e++) dx[e] = x[e] > 0 ? dy[e] : Number.isNaN(x[e]) ? NaN : 0;
  return dx;
}
