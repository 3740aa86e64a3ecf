// Softmax with cross-entropy (docs/operations.md, Softmax_F / Softmax_BF), one row of K per sample.
//   forward(x, y):             y = exp(x - max) / Σ exp(x - max)   (shifted: never overflows)
//   loss(x, y, z, dx) → J:     dx = y - z; J = Σ_t Σ_k -z·(x - logΣexp(x)) (log-softmax form:
//                              finite even where y underflows to 0; terms with z = 0 add nothing)
//   backward(y, dy, dx):       the Jacobian, dx = y·(dy - Σ dy·y), for a backward pass that
//                              starts from a sensitivity of softmax's output
import type { SoftmaxLayer } from '../../model/checked.js';
import { kernelName } from '../names.js';
import type { EmitContext, KernelSource } from './types.js';

export function emitSoftmax(layer: SoftmaxLayer, ctx: EmitContext): KernelSource[] {
  const K = layer.input.c;
  const T = ctx.batch;
  const fwd = kernelName(layer.name, 'forward');
  const bwd = kernelName(layer.name, 'backward');
  const loss = kernelName(layer.name, 'loss');
  const schedule = `${T} rows of ${K}: max, exp-sum, scale`;
  const lossSchedule = `${T} rows of ${K}: log-sum-exp, y - z, -Σ z·log y`;
  const jacobianSchedule = `${T} rows of ${K}: dot, then y·(dy - dot)`;
  return [
    {
      role: 'forward', name: fwd, schedule, macs: 0,
      params: [{ name: 'x', type: 'F' }, { name: 'y', type: 'F' }],
      code: [
        `export function ${fwd}(x: F, y: F): void {`,
        `  for (let o = 0; o < ${T * K}; o += ${K}) {`,
        `    let m = x[o];`,
        `    for (let k = 1; k < ${K}; k++) if (x[o + k] > m) m = x[o + k];`,
        `    let s = 0;`,
        `    for (let k = 0; k < ${K}; k++) s += Math.exp(x[o + k] - m);`,
        `    for (let k = 0; k < ${K}; k++) y[o + k] = Math.exp(x[o + k] - m) / s;`,
        `  }`,
        `}`,
      ].join('\n'),
    },
    {
      role: 'loss', name: loss, schedule: lossSchedule, macs: 0, returns: 'number',
      params: [{ name: 'x', type: 'F' }, { name: 'y', type: 'F' }, { name: 'z', type: 'F' }, { name: 'dx', type: 'F' }],
      code: [
        `export function ${loss}(x: F, y: F, z: F, dx: F): number {`,
        `  let loss = 0;`,
        `  for (let o = 0; o < ${T * K}; o += ${K}) {`,
        `    let m = x[o];`,
        `    for (let k = 1; k < ${K}; k++) if (x[o + k] > m) m = x[o + k];`,
        `    let s = 0;`,
        `    for (let k = 0; k < ${K}; k++) s += Math.exp(x[o + k] - m);`,
        `    const lse = m + Math.log(s);`,
        `    for (let k = 0; k < ${K}; k++) {`,
        `      const zk = z[o + k];`,
        `      dx[o + k] = y[o + k] - zk;`,
        `      if (zk !== 0) loss -= zk * (x[o + k] - lse);`,
        `    }`,
        `  }`,
        `  return loss;`,
        `}`,
      ].join('\n'),
    },
    {
      role: 'backward', name: bwd, schedule: jacobianSchedule, macs: 0,
      params: [{ name: 'y', type: 'F' }, { name: 'dy', type: 'F' }, { name: 'dx', type: 'F' }],
      code: [
        `export function ${bwd}(y: F, dy: F, dx: F): void {`,
        `  for (let o = 0; o < ${T * K}; o += ${K}) {`,
        `    let dot = 0;`,
        `    for (let k = 0; k < ${K}; k++) dot += dy[o + k] * y[o + k];`,
        `    for (let k = 0; k < ${K}; k++) dx[o + k] = y[o + k] * (dy[o + k] - dot);`,
        `  }`,
        `}`,
      ].join('\n'),
    },
  ];
}
