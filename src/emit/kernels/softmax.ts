// Softmax with cross-entropy (docs/operations.md, Softmax_F / Softmax_BF), one row of K per sample.
//   forward(x, y):             y = exp(x - max) / Σ exp(x - max)   (shifted: never overflows)
//   loss(x, y, z, dx) → J:     dx = y - z; J = Σ_t Σ_k -z·(x - logΣexp(x)) (log-softmax form:
//                              finite even where y underflows to 0; terms with z = 0 add nothing)
//   backward(y, dy, dx):       the Jacobian, dx = y·(dy - Σ dy·y), for a backward pass that
//                              starts from a sensitivity of softmax's output
import type { SoftmaxKernel } from '../../lower/types.js';
import type { SoftmaxLayer } from '../../model/checked.js';
import { CodeWriter, signature } from './code-writer.js';
import type { OpEmitter } from './types.js';

export function printSoftmax(k: SoftmaxKernel): string {
  const { T, K } = k;
  const c = new CodeWriter().open(signature(k));
  /** The row's maximum m and s = Σ exp(x - m). */
  const maxAndSum = () => {
    c.line('let m = x[o];');
    c.line(`for (let k = 1; k < ${K}; k++) if (x[o + k] > m) m = x[o + k];`);
    c.line('let s = 0;');
    c.line(`for (let k = 0; k < ${K}; k++) s += Math.exp(x[o + k] - m);`);
  };
  const rows = `for (let o = 0; o < ${T * K}; o += ${K})`;
  if (k.role === 'forward') {
    c.open(rows);
    maxAndSum();
    c.line(`for (let k = 0; k < ${K}; k++) y[o + k] = Math.exp(x[o + k] - m) / s;`);
    c.close();
  } else if (k.role === 'loss') {
    c.line('let loss = 0;');
    c.open(rows);
    maxAndSum();
    c.line('const lse = m + Math.log(s);');
    c.open(`for (let k = 0; k < ${K}; k++)`);
    c.line('const zk = z[o + k];');
    c.line('dx[o + k] = y[o + k] - zk;');
    c.line('if (zk !== 0) loss -= zk * (x[o + k] - lse);');
    c.close();
    c.close();
    c.line('return loss;');
  } else {
    c.open(rows);
    c.line('let dot = 0;');
    c.line(`for (let k = 0; k < ${K}; k++) dot += dy[o + k] * y[o + k];`);
    c.line(`for (let k = 0; k < ${K}; k++) dx[o + k] = y[o + k] * (dy[o + k] - dot);`);
    c.close();
  }
  return c.close().toString();
}

export const softmaxEmitter: OpEmitter<SoftmaxLayer, SoftmaxKernel> = {
  kinds: ['softmax'],
  print: printSoftmax,
  interpreter: ['softmaxBackward'],
  forward: (_l, { call }) => `${call('forward')};`,
  // Inside the chain (softmax not last, or a backward pass from an output sensitivity): the Jacobian.
  backward: (_l, { call }) => `${call('backward')};`,
  checks: (layer, { l, nIn, nOut, k, msg, lossLayer }) => [
    `const x = inputOf(${l});`,
    `const y = nan(${nOut}); ${k('forward')}(f(x), y); close(${msg('_forward')}, y, fwd.activations[${l}]);`,
    ...(lossLayer
      ? [
        `const dx = nan(${nIn}); const loss = ${k('loss')}(f(x), y, f(target), dx);`,
        `close(${msg('_loss')}, [loss], [bwd.loss]);`,
        `close(${msg('_loss dx')}, dx, sensIn(${l}));`,
      ]
      : []),
    `// The Jacobian, for a backward pass from a sensitivity of softmax's output.`,
    `const r = mulberry32(11), G = Float64Array.from({ length: ${nOut} }, () => 2 * r() - 1);`,
    `const dxj = nan(${nIn}); ${k('backward')}(f(fwd.activations[${l}]), f(G), dxj);`,
    `close(${msg('_backward')}, dxj, softmaxBackward(T, ${layer.output.c}, fwd.activations[${l}], G));`,
  ],
};
