// Conv — Conv_F, Conv_BF, Conv_grad of docs/operations.md, as plain float64 loops with the
// spec's index names: t sample, k output channel, k' (kp) input channel, (i, j) position,
// (p, q) place in the M×N window, (m, n) the anchor (any integers, also outside the window).
// The bias b[k] (bias=true) is the optional extension, as for full: off by default.

import type { ConvLayer } from '../../model/checked.js';
import { at, expectLength } from './tensor.js';

function sizes(layer: ConvLayer) {
  return {
    Cl: layer.input.c, Cr: layer.output.c, H: layer.input.h, W: layer.input.w,
    M: layer.kernel.rows, N: layer.kernel.cols, m: layer.anchor.row, n: layer.anchor.col,
  };
}

/** x_r[t][k][i][j] = Σ_{k',p,q} w[k][k'][p][q] · x_l[t][k'][i-m+p][j-n+q] (0 off the map) (+ b[k]). */
export function convForward(layer: ConvLayer, T: number, x: Float64Array, w: Float64Array, b?: Float64Array): Float64Array {
  const { Cl, Cr, H, W, M, N, m, n } = sizes(layer);
  expectLength(`conv ${layer.name} forward x`, x, T * Cl * H * W);
  expectLength(`conv ${layer.name} forward w`, w, Cr * Cl * M * N);
  if (b) expectLength(`conv ${layer.name} forward b`, b, Cr);
  const y = new Float64Array(T * Cr * H * W);
  for (let t = 0; t < T; t++)
    for (let k = 0; k < Cr; k++)
      for (let i = 0; i < H; i++)
        for (let j = 0; j < W; j++) {
          let sum = b ? b[k] : 0;
          for (let kp = 0; kp < Cl; kp++)
            for (let p = 0; p < M; p++) {
              const row = i - m + p;
              if (row < 0 || row >= H) continue; // pad condition: reads 0
              const wRow = ((k * Cl + kp) * M + p) * N; // w[k][k'][p][0]
              const xRow = at(Cl, H, W, t, kp, row, 0); // x_l[t][k'][row][0]
              for (let q = 0; q < N; q++) {
                const col = j - n + q;
                if (col < 0 || col >= W) continue;
                sum += w[wRow + q] * x[xRow + col];
              }
            }
          y[at(Cr, H, W, t, k, i, j)] = sum;
        }
  return y;
}

/**
 * The backward kernel v[k'][k][p'][q'] = w[k][k'][M-1-p'][N-1-q']: channel blocks
 * transposed, each M×N window rotated by 180°. Shape C_l × C_r × M × N.
 */
export function backwardKernel(layer: ConvLayer, w: Float64Array): Float64Array {
  const { Cl, Cr, M, N } = sizes(layer);
  const v = new Float64Array(Cl * Cr * M * N);
  for (let kp = 0; kp < Cl; kp++)
    for (let k = 0; k < Cr; k++)
      for (let pp = 0; pp < M; pp++)
        for (let qp = 0; qp < N; qp++)
          v[((kp * Cr + k) * M + pp) * N + qp] = w[((k * Cl + kp) * M + (M - 1 - pp)) * N + (N - 1 - qp)];
  return v;
}

/**
 * δ_l[t][k'][i'][j'] = Σ_{k,p',q'} v[k'][k][p'][q'] · δ_r[t][k][i'-m'+p'][j'-n'+q'] with the
 * backward anchor m' = M-1-m, n' = N-1-n: a forward conv of δ_r by v, exactly as written.
 */
export function convBackward(layer: ConvLayer, T: number, dy: Float64Array, w: Float64Array): Float64Array {
  const { Cl, Cr, H, W, M, N, m, n } = sizes(layer);
  expectLength(`conv ${layer.name} backward dy`, dy, T * Cr * H * W);
  expectLength(`conv ${layer.name} backward w`, w, Cr * Cl * M * N);
  const v = backwardKernel(layer, w);
  const mp = M - 1 - m;
  const np = N - 1 - n;
  const dx = new Float64Array(T * Cl * H * W);
  for (let t = 0; t < T; t++)
    for (let kp = 0; kp < Cl; kp++)
      for (let ip = 0; ip < H; ip++)
        for (let jp = 0; jp < W; jp++) {
          let sum = 0;
          for (let k = 0; k < Cr; k++)
            for (let pp = 0; pp < M; pp++) {
              const row = ip - mp + pp;
              if (row < 0 || row >= H) continue; // reads 0 outside the map
              const vRow = ((kp * Cr + k) * M + pp) * N; // v[k'][k][p'][0]
              const dyRow = at(Cr, H, W, t, k, row, 0); // δ_r[t][k][row][0]
              for (let qp = 0; qp < N; qp++) {
                const col = jp - np + qp;
                if (col < 0 || col >= W) continue;
                sum += v[vRow + qp] * dy[dyRow + col];
              }
            }
          dx[at(Cl, H, W, t, kp, ip, jp)] = sum;
        }
  return dx;
}

/** Δw[k][k'][p][q] = Σ_{t,i,j} δ_r[t][k][i][j] · x_l[t][k'][i-m+p][j-n+q] (0 off the map). */
export function convGrad(layer: ConvLayer, T: number, dy: Float64Array, x: Float64Array): Float64Array {
  const { Cl, Cr, H, W, M, N, m, n } = sizes(layer);
  expectLength(`conv ${layer.name} grad dy`, dy, T * Cr * H * W);
  expectLength(`conv ${layer.name} grad x`, x, T * Cl * H * W);
  const dw = new Float64Array(Cr * Cl * M * N);
  for (let k = 0; k < Cr; k++)
    for (let kp = 0; kp < Cl; kp++)
      for (let p = 0; p < M; p++)
        for (let q = 0; q < N; q++) {
          let sum = 0;
          for (let t = 0; t < T; t++)
            for (let i = 0; i < H; i++) {
              const row = i - m + p;
              if (row < 0 || row >= H) continue; // 0 outside the map
              const dyRow = at(Cr, H, W, t, k, i, 0); // δ_r[t][k][i][0]
              const xRow = at(Cl, H, W, t, kp, row, 0); // x_l[t][k'][row][0]
              for (let j = 0; j < W; j++) {
                const col = j - n + q;
                if (col < 0 || col >= W) continue;
                sum += dy[dyRow + j] * x[xRow + col];
              }
            }
          dw[((k * Cl + kp) * M + p) * N + q] = sum;
        }
  return dw;
}

/** Δb[k] = Σ_{t,i,j} δ_r[t][k][i][j] (bias=true). The bias does not change the sensitivities. */
export function convBiasGrad(layer: ConvLayer, T: number, dy: Float64Array): Float64Array {
  const { Cr, H, W } = sizes(layer);
  expectLength(`conv ${layer.name} bias grad dy`, dy, T * Cr * H * W);
  const db = new Float64Array(Cr);
  for (let t = 0; t < T; t++)
    for (let k = 0; k < Cr; k++) {
      const map = at(Cr, H, W, t, k, 0, 0); // δ_r[t][k][0][0]
      for (let e = 0; e < H * W; e++) db[k] += dy[map + e];
    }
  return db;
}
