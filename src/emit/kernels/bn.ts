// Batch normalisation kernels (docs/operations.md, BN_F / BN_BF). A "line" is the set of values
// normalised together: in `position` mode the T values of one (k,i,j), stride C·H·W apart;
// in `channel` mode the T·H·W values of one channel. Every loop bound and stride is a literal.
//   forward(x, gamma, beta, runningMean, runningVar, y, xhat, invStd)   training: batch
//       statistics (biased variance), caches x̂ and 1/sqrt(σ²+ε) for backward, updates the
//       running averages: running = (1-momentum)·running + momentum·batch
//   infer(x, gamma, beta, runningMean, runningVar, y)                   running statistics
//   infer writes x̂ and invStd too, so that a backward pass can follow an inference pass.
//   backward(dy, xhat, invStd, gamma, dx, dgamma, dbeta, training)      dx written, dγ and dβ
//       accumulated. Training: steps 1-6 of docs/operations.md collapse (using Σ(x-μ) = 0) to
//       dx = γ·invStd/N · (N·g - Σg - x̂·Σ(g·x̂)),  N = the line's length. After an
//       inference pass μ and σ² are constants: dx = γ·invStd·g.
import type { BnLayer } from '../../model/checked.js';
import { kernelName } from '../names.js';
import type { EmitContext, KernelSource } from './types.js';

/** A number literal that reads back as exactly the same double. */
const num = (v: number): string => String(v);

interface Lines {
  /** Number of lines (statistics). */
  count: number;
  /** Values per line. */
  n: number;
  /** Loop header over the line's offsets `o`, for line index `p`; closed by `close`. */
  open: string;
  close: string;
  describe: string;
}

function lines(layer: BnLayer, T: number): Lines {
  const { c: C, h: H, w: W } = layer.input;
  const HW = H * W;
  if (layer.mode === 'position') {
    const P = C * HW;
    return {
      count: P, n: T, close: '}',
      open: `for (let o = p; o < ${T * P}; o += ${P}) {`,
      describe: `position mode: ${P} lines of ${T} values, stride ${P}`,
    };
  }
  return {
    count: C, n: T * HW, close: '}}',
    open: `for (let b = p * ${HW}; b < ${T * C * HW}; b += ${C * HW}) { for (let o = b; o < b + ${HW}; o++) {`,
    describe: `channel mode: ${C} lines of ${T}×${HW} values`,
  };
}

export function emitBn(layer: BnLayer, ctx: EmitContext): KernelSource[] {
  const L = lines(layer, ctx.batch);
  const fwd = kernelName(layer.name, 'forward');
  const inf = kernelName(layer.name, 'infer');
  const bwd = kernelName(layer.name, 'backward');
  const eps = num(layer.eps);
  const mom = num(layer.momentum);
  const keep = num(1 - layer.momentum);
  const F = (name: string) => ({ name, type: 'F' as const });
  const forward = [
    `export function ${fwd}(x: F, gamma: F, beta: F, runningMean: F, runningVar: F, y: F, xhat: F, invStd: F): void {`,
    `  for (let p = 0; p < ${L.count}; p++) {`,
    `    let mean = 0;`,
    `    ${L.open} mean += x[o]; ${L.close}`,
    `    mean /= ${L.n};`,
    `    let v = 0;`,
    `    ${L.open} const d = x[o] - mean; v += d * d; ${L.close}`,
    `    v /= ${L.n};`,
    `    const inv = 1 / Math.sqrt(v + ${eps});`,
    `    invStd[p] = inv;`,
    `    const g = gamma[p], bt = beta[p];`,
    `    ${L.open} const h = (x[o] - mean) * inv; xhat[o] = h; y[o] = g * h + bt; ${L.close}`,
    `    runningMean[p] = ${keep} * runningMean[p] + ${mom} * mean;`,
    `    runningVar[p] = ${keep} * runningVar[p] + ${mom} * v;`,
    `  }`,
    `}`,
  ];
  const infer = [
    `export function ${inf}(x: F, gamma: F, beta: F, runningMean: F, runningVar: F, y: F, xhat: F, invStd: F): void {`,
    `  for (let p = 0; p < ${L.count}; p++) {`,
    `    const mean = runningMean[p];`,
    `    const inv = 1 / Math.sqrt(runningVar[p] + ${eps});`,
    `    invStd[p] = inv;`,
    `    const g = gamma[p], bt = beta[p];`,
    `    ${L.open} const h = (x[o] - mean) * inv; xhat[o] = h; y[o] = g * h + bt; ${L.close}`,
    `  }`,
    `}`,
  ];
  const backward = [
    `export function ${bwd}(dy: F, xhat: F, invStd: F, gamma: F, dx: F, dgamma: F, dbeta: F, training: boolean): void {`,
    `  for (let p = 0; p < ${L.count}; p++) {`,
    `    let sg = 0, sgx = 0;`,
    `    ${L.open} const g = dy[o]; sg += g; sgx += g * xhat[o]; ${L.close}`,
    `    dgamma[p] += sgx;`,
    `    dbeta[p] += sg;`,
    `    if (!training) {`,
    `      const k = gamma[p] * invStd[p];`,
    `      ${L.open} dx[o] = k * dy[o]; ${L.close}`,
    `      continue;`,
    `    }`,
    `    const k = gamma[p] * invStd[p] / ${L.n};`,
    `    ${L.open} dx[o] = k * (${L.n} * dy[o] - sg - xhat[o] * sgx); ${L.close}`,
    `  }`,
    `}`,
  ];
  return [
    {
      role: 'forward', name: fwd, schedule: L.describe, macs: 0,
      params: ['x', 'gamma', 'beta', 'runningMean', 'runningVar', 'y', 'xhat', 'invStd'].map(F),
      code: forward.join('\n'),
    },
    {
      role: 'infer', name: inf, schedule: L.describe, macs: 0,
      params: ['x', 'gamma', 'beta', 'runningMean', 'runningVar', 'y', 'xhat', 'invStd'].map(F),
      code: infer.join('\n'),
    },
    {
      role: 'backward', name: bwd, schedule: L.describe, macs: 0,
      params: [...['dy', 'xhat', 'invStd', 'gamma', 'dx', 'dgamma', 'dbeta'].map(F), { name: 'training', type: 'boolean' as const }],
      code: backward.join('\n'),
    },
  ];
}

/** Sizes of the caches bn's forward fills for its backward: x̂ (like x) and 1/sqrt(σ²+ε) (per line). */
export function bnCacheSizes(layer: BnLayer, batch: number): { xhat: number; invStd: number } {
  const L = lines(layer, batch);
  return { xhat: L.count * L.n, invStd: L.count };
}
