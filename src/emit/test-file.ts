// The generated test of one network (`<net>.test.ts`, vitest): templates/test.hbs holds the
// harness and documents the tolerance; this file writes the per-layer kernel checks, each
// calling the exported kernels with the calling conventions of docs/architecture.md.
import type { CheckedNetwork, Layer } from '../model/checked.js';
import { size3 } from '../model/checked.js';
import type { ModulePlan } from '../lower/index.js';
import type { KernelSource } from './kernels/types.js';
import { str } from './names.js';
import { render } from './templates.js';

function layerChecks(layer: Layer, net: CheckedNetwork): string[] {
  const T = net.batch;
  const l = layer.index;
  const name = str(layer.name);
  const nIn = T * size3(layer.input);
  const nOut = T * size3(layer.output);
  const k = (role: string) => `gen.${layer.name}_${role}`;
  const w = (key: string) => `W0[${name}].${key}`;
  const isLast = l === net.layers.length - 1;
  const body: string[] = [];
  switch (layer.op) {
    case 'conv':
      body.push(
        `const x = inputOf(${l}), dy = bwd.sensitivities[${l}]!;`,
        `const y = nan(${nOut}); ${k('forward')}(f(x), f(${w('w')}), y); close(${str(`${layer.name}_forward`)}, y, fwd.activations[${l}]);`,
        `const dx = nan(${nIn}); ${k('backward')}(f(dy), f(${w('w')}), dx); close(${str(`${layer.name}_backward`)}, dx, sensIn(${l}));`,
        `const dw = half(${layer.params[0].size}); ${k('grad')}(f(dy), f(x), dw); close(${str(`${layer.name}_grad (adds)`)}, dw, plusHalf(bwd.grads[${name}].w));`,
      );
      break;
    case 'full': {
      const b = layer.bias;
      body.push(
        `const x = inputOf(${l}), dy = bwd.sensitivities[${l}]!;`,
        `const y = nan(${nOut}); ${k('forward')}(f(x), f(${w('w')}), ${b ? `f(${w('b')}), ` : ''}y); close(${str(`${layer.name}_forward`)}, y, fwd.activations[${l}]);`,
        `const dx = nan(${nIn}); ${k('backward')}(f(dy), f(${w('w')}), dx); close(${str(`${layer.name}_backward`)}, dx, sensIn(${l}));`,
        `const dw = half(${layer.params[0].size});${b ? ` const db = half(${layer.output.c});` : ''}`,
        `${k('grad')}(f(dy), f(x), dw${b ? ', db' : ''});`,
        `close(${str(`${layer.name}_grad w (adds)`)}, dw, plusHalf(bwd.grads[${name}].w));`,
        ...(b ? [`close(${str(`${layer.name}_grad b (adds)`)}, db, plusHalf(bwd.grads[${name}].b));`] : []),
      );
      break;
    }
    case 'pool':
      body.push(
        `const x = inputOf(${l}), dy = bwd.sensitivities[${l}]!;`,
        `const y = nan(${nOut}); ${k('forward')}(f(x), y); close(${str(`${layer.name}_forward`)}, y, fwd.activations[${l}]);`,
        `const y2 = nan(${nOut}), path = new Int32Array(${nOut}).fill(-1); ${k('path')}(f(x), y2, path);`,
        `close(${str(`${layer.name}_path output`)}, y2, fwd.activations[${l}]);`,
        `samePath(${str(`${layer.name}_path`)}, path, fwd.paths[${l}]!, f(x), ${layer.input.h * layer.input.w}, ${layer.output.h * layer.output.w});`,
        `const dx = nan(${nIn}); ${k('backward')}(f(dy), fwd.paths[${l}]!, dx); close(${str(`${layer.name}_backward`)}, dx, sensIn(${l}));`,
      );
      break;
    case 'relu':
      body.push(
        `const x = inputOf(${l}), dy = bwd.sensitivities[${l}]!;`,
        `const y = nan(${nOut}); ${k('forward')}(f(x), y); close(${str(`${layer.name}_forward`)}, y, fwd.activations[${l}]);`,
        `const dx = nan(${nIn}); ${k('backward')}(f(x), f(dy), dx); close(${str(`${layer.name}_backward`)}, dx, sensIn(${l}));`,
      );
      break;
    case 'bn': {
      const G = layer.params[0].size;
      body.push(
        `const x = inputOf(${l}), dy = bwd.sensitivities[${l}]!;`,
        `const gamma = f(${w('gamma')}), beta = f(${w('beta')}), rm = f(${w('runningMean')}), rv = f(${w('runningVar')});`,
        `const y = nan(${nOut}), xhat = nan(${nIn}), invStd = nan(${G});`,
        `${k('forward')}(f(x), gamma, beta, rm, rv, y, xhat, invStd);`,
        `close(${str(`${layer.name}_forward`)}, y, fwd.activations[${l}]);`,
        `close(${str(`${layer.name}_forward runningMean`)}, rm, Wrun[${name}].runningMean);`,
        `close(${str(`${layer.name}_forward runningVar`)}, rv, Wrun[${name}].runningVar);`,
        `const dx = nan(${nIn}), dg = half(${G}), db = half(${G});`,
        `${k('backward')}(f(dy), xhat, invStd, gamma, dx, dg, db, true);`,
        `close(${str(`${layer.name}_backward`)}, dx, sensIn(${l}));`,
        `close(${str(`${layer.name}_backward dgamma (adds)`)}, dg, plusHalf(bwd.grads[${name}].gamma));`,
        `close(${str(`${layer.name}_backward dbeta (adds)`)}, db, plusHalf(bwd.grads[${name}].beta));`,
        `// Inference: the running statistics the training pass left, and the backward pass that`,
        `// treats them as constants.`,
        `const p = { gamma: Float64Array.from(${w('gamma')}), beta: Float64Array.from(${w('beta')}), runningMean: Float64Array.from(Wrun[${name}].runningMean), runningVar: Float64Array.from(Wrun[${name}].runningVar) };`,
        `const ref = bnForward(layer<'bn'>(${l}), T, x, p, false);`,
        `const refBack = bnBackward(layer<'bn'>(${l}), T, dy, ref.cache, p.gamma);`,
        `const yi = nan(${nOut}), xhatI = nan(${nIn}), invI = nan(${G});`,
        `${k('infer')}(f(x), gamma, beta, f(p.runningMean), f(p.runningVar), yi, xhatI, invI);`,
        `close(${str(`${layer.name}_infer`)}, yi, ref.y);`,
        `const dxi = nan(${nIn}), dgi = half(${G}), dbi = half(${G});`,
        `${k('backward')}(f(dy), xhatI, invI, gamma, dxi, dgi, dbi, false);`,
        `close(${str(`${layer.name}_backward (inference)`)}, dxi, refBack.dx);`,
        `close(${str(`${layer.name}_backward dgamma (inference)`)}, dgi, plusHalf(refBack.dgamma));`,
        `close(${str(`${layer.name}_backward dbeta (inference)`)}, dbi, plusHalf(refBack.dbeta));`,
      );
      break;
    }
    case 'softmax': {
      const K = layer.output.c;
      body.push(
        `const x = inputOf(${l});`,
        `const y = nan(${nOut}); ${k('forward')}(f(x), y); close(${str(`${layer.name}_forward`)}, y, fwd.activations[${l}]);`,
        ...(isLast && net.endsWithSoftmax
          ? [
            `const dx = nan(${nIn}); const loss = ${k('loss')}(f(x), y, f(target), dx);`,
            `close(${str(`${layer.name}_loss`)}, [loss], [bwd.loss]);`,
            `close(${str(`${layer.name}_loss dx`)}, dx, sensIn(${l}));`,
          ]
          : []),
        `// The Jacobian, for a backward pass from a sensitivity of softmax's output.`,
        `const r = mulberry32(11), G = Float64Array.from({ length: ${nOut} }, () => 2 * r() - 1);`,
        `const dxj = nan(${nIn}); ${k('backward')}(f(fwd.activations[${l}]), f(G), dxj);`,
        `close(${str(`${layer.name}_backward`)}, dxj, softmaxBackward(T, ${K}, fwd.activations[${l}], G));`,
      );
      break;
    }
  }
  return [
    `  it(${str(`kernels of ${layer.name} (${layer.op}) on the interpreter's inputs`)}, () => {`,
    ...body.map((s) => `    ${s}`),
    `  }, TIMEOUT);`,
  ];
}

export function renderTest(net: CheckedNetwork, plan: ModulePlan, _kernels: KernelSource[], source: string): string {
  const tolerance = plan.dtype === 'f64' ? '1e-4' : '1e-3';
  return render('test', {
    network: net.name,
    source,
    dtype: plan.dtype,
    tolerance,
    arrayType: plan.dtype === 'f64' ? 'Float64Array' : 'Float32Array',
    batch: net.batch,
    endsWithSoftmax: net.endsWithSoftmax,
    hasBn: net.layers.some((l) => l.op === 'bn'),
    inputSize: plan.inputSize,
    outputSize: plan.outputSize,
    classes: plan.output[0],
    lastLayer: str(net.layers[net.layers.length - 1]?.name ?? ''),
    netJson: JSON.stringify(net, null, 1).replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029'),
    checks: net.layers.map((l) => layerChecks(l, net).join('\n')).join('\n\n'),
  });
}
