// ReLU kernels (operations.md, ReLU_F / ReLU_BF) over the whole batch as one flat block.
//   forward(x, y):        y = max(0, x)
//   backward(x, dy, dx):  dx = dy where the forward input x > 0, else 0 (also at x = 0)
// One loop with a literal bound: element-wise work gains nothing from unrolling in V8.
import type { ReluLayer } from '../../model/checked.js';
import { size3 } from '../../model/checked.js';
import { kernelName } from '../names.js';
import type { EmitContext, KernelSource } from './types.js';

export function emitRelu(layer: ReluLayer, ctx: EmitContext): KernelSource[] {
  const n = ctx.batch * size3(layer.input);
  const fwd = kernelName(layer.name, 'forward');
  const bwd = kernelName(layer.name, 'backward');
  const schedule = `flat loop over ${n} elements`;
  return [
    {
      role: 'forward', name: fwd, schedule, macs: 0,
      params: [{ name: 'x', type: 'F' }, { name: 'y', type: 'F' }],
      code: [
        `export function ${fwd}(x: F, y: F): void {`,
        `  for (let i = 0; i < ${n}; i++) {`,
        `    const v = x[i];`,
        `    y[i] = v > 0 ? v : 0;`,
        `  }`,
        `}`,
      ].join('\n'),
    },
    {
      role: 'backward', name: bwd, schedule, macs: 0,
      params: [{ name: 'x', type: 'F' }, { name: 'dy', type: 'F' }, { name: 'dx', type: 'F' }],
      code: [
        `export function ${bwd}(x: F, dy: F, dx: F): void {`,
        `  for (let i = 0; i < ${n}; i++) dx[i] = x[i] > 0 ? dy[i] : 0;`,
        `}`,
      ].join('\n'),
    },
  ];
}
