// Softmax with cross-entropy — Softmax_F, Softmax_BF of docs/operations.md. Each sample is a row
// of K numbers (the C×1×1 block). Every exponential is shifted by the row maximum
// (softmax is shift-invariant), so large inputs never overflow.

import { entropy, klDivergenceLog } from '../entropy.js';
import { expectLength } from './tensor.js';

/** log y[t][k] = (x[t][k] - max) - log Σ_{k'} exp(x[t][k'] - max): finite whenever x is. */
export function logSoftmax(T: number, K: number, x: Float64Array): Float64Array {
  expectLength('softmax x', x, T * K);
  const logY = new Float64Array(T * K);
  for (let t = 0; t < T; t++) {
    let max = -Infinity;
    for (let k = 0; k < K; k++) max = Math.max(max, x[t * K + k]);
    let sum = 0;
    for (let k = 0; k < K; k++) sum += Math.exp(x[t * K + k] - max);
    const logSum = Math.log(sum);
    for (let k = 0; k < K; k++) logY[t * K + k] = x[t * K + k] - max - logSum;
  }
  return logY;
}

/** y[t][k] = exp(x[t][k] - max) / Σ_{k'} exp(x[t][k'] - max). */
export function softmaxForward(T: number, K: number, x: Float64Array): Float64Array {
  expectLength('softmax x', x, T * K);
  const y = new Float64Array(T * K);
  for (let t = 0; t < T; t++) {
    let max = -Infinity;
    for (let k = 0; k < K; k++) max = Math.max(max, x[t * K + k]);
    let sum = 0;
    for (let k = 0; k < K; k++) sum += (y[t * K + k] = Math.exp(x[t * K + k] - max));
    for (let k = 0; k < K; k++) y[t * K + k] /= sum;
  }
  return y;
}

/**
 * The loss J = Σ_t Σ_k -z log y, computed per row as H_KL(z‖y) + H(z) from log-softmax,
 * and the sensitivity of softmax's input δ_l = y - z.
 */
export function softmaxCrossEntropy(T: number, K: number, x: Float64Array, z: Float64Array): { loss: number; dx: Float64Array } {
  expectLength('softmax labels', z, T * K);
  const logY = logSoftmax(T, K, x);
  const y = softmaxForward(T, K, x);
  let loss = 0;
  for (let t = 0; t < T; t++) {
    const zt = z.subarray(t * K, (t + 1) * K);
    loss += klDivergenceLog(zt, logY.subarray(t * K, (t + 1) * K)) + entropy(zt);
  }
  const dx = new Float64Array(T * K);
  for (let e = 0; e < T * K; e++) dx[e] = y[e] - z[e];
  return { loss, dx };
}

/**
 * Beyond the spec: the softmax Jacobian applied to a given sensitivity of softmax's output,
 * δ_l[t][k] = y[t][k] · (δ_r[t][k] - Σ_{k'} δ_r[t][k'] · y[t][k']). Used only when a
 * backward pass starts from an output sensitivity of a network ending in softmax.
 */
export function softmaxBackward(T: number, K: number, y: Float64Array, dy: Float64Array): Float64Array {
  expectLength('softmax backward dy', dy, T * K);
  const dx = new Float64Array(T * K);
  for (let t = 0; t < T; t++) {
    let dot = 0;
    for (let k = 0; k < K; k++) dot += dy[t * K + k] * y[t * K + k];
    for (let k = 0; k < K; k++) dx[t * K + k] = y[t * K + k] * (dy[t * K + k] - dot);
  }
  return dx;
}
