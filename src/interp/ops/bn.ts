// Batch normalisation — BN_F, BN_BF of docs/operations.md. Every value is normalised with the
// others on its "line": in `position` mode (the notes') the T values x[t][k][i][j] of one
// position (k, i, j); in `channel` mode the T·H·W values of one channel k. γ, β and the
// running statistics have one entry per line, indexed g. L is the line's length (the
// spec's T in position mode, T·H·W in channel mode).

import type { BnLayer } from '../../model/checked.js';
import { at, expectLength } from './tensor.js';

export interface BnParams {
  gamma: Float64Array;
  beta: Float64Array;
  runningMean: Float64Array;
  runningVar: Float64Array;
}

/** What the backward pass needs from the forward pass. */
export interface BnCache {
  /** false: normalised with the running statistics, which are constants for the gradient. */
  training: boolean;
  x: Float64Array;
  xhat: Float64Array;
  /** μ and σ² of each line (the running ones in inference mode). */
  mean: Float64Array;
  variance: Float64Array;
  eps: number;
}

/** For each line g, the flat offsets of its values in the whole-batch block. */
export function bnLines(layer: BnLayer, T: number): number[][] {
  const { c: C, h: H, w: W } = layer.input;
  const lines: number[][] = [];
  if (layer.mode === 'position') {
    for (let k = 0; k < C; k++)
      for (let i = 0; i < H; i++)
        for (let j = 0; j < W; j++) {
          const line: number[] = [];
          for (let t = 0; t < T; t++) line.push(at(C, H, W, t, k, i, j));
          lines.push(line);
        }
  } else {
    for (let k = 0; k < C; k++) {
      const line: number[] = [];
      for (let t = 0; t < T; t++) for (let i = 0; i < H; i++) for (let j = 0; j < W; j++) line.push(at(C, H, W, t, k, i, j));
      lines.push(line);
    }
  }
  return lines;
}

/**
 * Training: μ and σ² (biased, ÷L) of each line, x̂ = (x - μ)/sqrt(σ² + ε), y = γ·x̂ + β, and
 * the running statistics move towards the batch ones:
 * running = (1 - momentum)·running + momentum·batch (the biased σ², as the spec writes it).
 * Inference: μ and σ² are the running statistics; nothing is updated.
 */
export function bnForward(layer: BnLayer, T: number, x: Float64Array, p: BnParams, training: boolean): { y: Float64Array; cache: BnCache } {
  const lines = bnLines(layer, T);
  const G = lines.length;
  expectLength(`bn ${layer.name} forward x`, x, T * layer.input.c * layer.input.h * layer.input.w);
  for (const key of ['gamma', 'beta', 'runningMean', 'runningVar'] as const) expectLength(`bn ${layer.name} ${key}`, p[key], G);
  const eps = layer.eps;
  const y = new Float64Array(x.length);
  const xhat = new Float64Array(x.length);
  const mean = new Float64Array(G);
  const variance = new Float64Array(G);
  for (let g = 0; g < G; g++) {
    const line = lines[g];
    const L = line.length;
    let mu: number;
    let sigma2: number;
    if (training) {
      mu = 0;
      for (const e of line) mu += x[e];
      mu /= L;
      sigma2 = 0;
      for (const e of line) sigma2 += (x[e] - mu) ** 2;
      sigma2 /= L;
      p.runningMean[g] = (1 - layer.momentum) * p.runningMean[g] + layer.momentum * mu;
      p.runningVar[g] = (1 - layer.momentum) * p.runningVar[g] + layer.momentum * sigma2;
    } else {
      mu = p.runningMean[g];
      sigma2 = p.runningVar[g];
    }
    mean[g] = mu;
    variance[g] = sigma2;
    const s = Math.sqrt(sigma2 + eps);
    for (const e of line) {
      xhat[e] = (x[e] - mu) / s;
      y[e] = p.gamma[g] * xhat[e] + p.beta[g];
    }
  }
  return { y, cache: { training, x: x.slice(), xhat, mean, variance, eps } };
}

/** Steps 1–6 of docs/operations.md on every line, with g[t] = dy on the line. */
export function bnBackward(layer: BnLayer, T: number, dy: Float64Array, cache: BnCache, gamma: Float64Array): { dx: Float64Array; dgamma: Float64Array; dbeta: Float64Array } {
  const lines = bnLines(layer, T);
  const G = lines.length;
  expectLength(`bn ${layer.name} backward dy`, dy, cache.x.length);
  expectLength(`bn ${layer.name} gamma`, gamma, G);
  const { x, xhat, mean, variance, eps } = cache;
  const dx = new Float64Array(dy.length);
  const dgamma = new Float64Array(G);
  const dbeta = new Float64Array(G);
  for (let g = 0; g < G; g++) {
    const line = lines[g];
    const L = line.length;
    const mu = mean[g];
    const s2 = variance[g] + eps;
    // 1, 2: ∂ℓ/∂γ = Σ g·x̂, ∂ℓ/∂β = Σ g
    for (const e of line) {
      dgamma[g] += dy[e] * xhat[e];
      dbeta[g] += dy[e];
    }
    if (!cache.training) {
      // μ and σ² are constants here: ∂ℓ/∂x = ∂ℓ/∂x̂ / sqrt(σ² + ε).
      for (const e of line) dx[e] = (dy[e] * gamma[g]) / Math.sqrt(s2);
      continue;
    }
    // 3: ∂ℓ/∂x̂ = g·γ
    const dxhat = (e: number) => dy[e] * gamma[g];
    // 4: ∂ℓ/∂σ² = Σ ∂ℓ/∂x̂ · (x - μ) · (-1/2) · (σ² + ε)^(-3/2)
    let dvar = 0;
    for (const e of line) dvar += dxhat(e) * (x[e] - mu) * -0.5 * s2 ** -1.5;
    // 5: ∂ℓ/∂μ = Σ ∂ℓ/∂x̂ · (-1/sqrt(σ² + ε)) + ∂ℓ/∂σ² · (-2/L) Σ (x - μ)
    let dmu = 0;
    let sumDev = 0;
    for (const e of line) {
      dmu += dxhat(e) * (-1 / Math.sqrt(s2));
      sumDev += x[e] - mu;
    }
    dmu += dvar * (-2 / L) * sumDev;
    // 6: ∂ℓ/∂x = ∂ℓ/∂x̂ / sqrt(σ² + ε) + ∂ℓ/∂σ² · 2(x - μ)/L + ∂ℓ/∂μ / L
    for (const e of line) dx[e] = dxhat(e) / Math.sqrt(s2) + (dvar * 2 * (x[e] - mu)) / L + dmu / L;
  }
  return { dx, dgamma, dbeta };
}
