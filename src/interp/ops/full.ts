// Full — Full_F, Full_BF, Full_grad of docs/operations.md: a convolution whose window covers
// the whole map. Each sample's input is one vector of K_l = C_l·H_l·W_l numbers in NCHW
// order; k indexes the C_r outputs, k' (kp) the K_l inputs. The bias is the optional
// extension (off by default).

import type { FullLayer } from '../../model/checked.js';
import { size3 } from '../../model/checked.js';
import { expectLength } from './tensor.js';

/** x_r[t][k] = Σ_{k'} w[k][k'] · x_l[t][k'] (+ b[k]). */
export function fullForward(layer: FullLayer, T: number, x: Float64Array, w: Float64Array, b?: Float64Array): Float64Array {
  const Kl = size3(layer.input);
  const Cr = layer.output.c;
  expectLength(`full ${layer.name} forward x`, x, T * Kl);
  expectLength(`full ${layer.name} forward w`, w, Cr * Kl);
  if (b) expectLength(`full ${layer.name} forward b`, b, Cr);
  const y = new Float64Array(T * Cr);
  for (let t = 0; t < T; t++)
    for (let k = 0; k < Cr; k++) {
      let sum = b ? b[k] : 0;
      for (let kp = 0; kp < Kl; kp++) sum += w[k * Kl + kp] * x[t * Kl + kp];
      y[t * Cr + k] = sum;
    }
  return y;
}

/** δ_l[t][k'] = Σ_k v[k'][k] · δ_r[t][k] with V = Wᵀ. */
export function fullBackward(layer: FullLayer, T: number, dy: Float64Array, w: Float64Array): Float64Array {
  const Kl = size3(layer.input);
  const Cr = layer.output.c;
  expectLength(`full ${layer.name} backward dy`, dy, T * Cr);
  expectLength(`full ${layer.name} backward w`, w, Cr * Kl);
  const v = new Float64Array(Kl * Cr);
  for (let k = 0; k < Cr; k++) for (let kp = 0; kp < Kl; kp++) v[kp * Cr + k] = w[k * Kl + kp];
  const dx = new Float64Array(T * Kl);
  for (let t = 0; t < T; t++)
    for (let kp = 0; kp < Kl; kp++) {
      let sum = 0;
      for (let k = 0; k < Cr; k++) sum += v[kp * Cr + k] * dy[t * Cr + k];
      dx[t * Kl + kp] = sum;
    }
  return dx;
}

/** Δw[k][k'] = Σ_t δ_r[t][k] · x_l[t][k']; with a bias, Δb[k] = Σ_t δ_r[t][k]. */
export function fullGrad(layer: FullLayer, T: number, dy: Float64Array, x: Float64Array): { w: Float64Array; b?: Float64Array } {
  const Kl = size3(layer.input);
  const Cr = layer.output.c;
  expectLength(`full ${layer.name} grad dy`, dy, T * Cr);
  expectLength(`full ${layer.name} grad x`, x, T * Kl);
  const dw = new Float64Array(Cr * Kl);
  for (let k = 0; k < Cr; k++)
    for (let kp = 0; kp < Kl; kp++) {
      let sum = 0;
      for (let t = 0; t < T; t++) sum += dy[t * Cr + k] * x[t * Kl + kp];
      dw[k * Kl + kp] = sum;
    }
  if (!layer.bias) return { w: dw };
  const db = new Float64Array(Cr);
  for (let k = 0; k < Cr; k++) for (let t = 0; t < T; t++) db[k] += dy[t * Cr + k];
  return { w: dw, b: db };
}
