// The generated test of one network (`<net>.test.ts`, vitest): templates/test.hbs holds the
// harness and documents the tolerance; this file writes the per-layer kernel checks, each
// calling the exported kernels with the calling conventions of docs/architecture.md.
import type { Layer } from '../model/checked.js';
import { size3 } from '../model/checked.js';
import type { LayerPlan, NetworkPlan } from '../lower/types.js';
import type { CheckSite, KernelRole } from './kernels/types.js';
import { str } from './names.js';
import { emitterOf, opEmitters } from './ops.js';
import { render } from './templates.js';

function checkSite(layer: Layer, l: LayerPlan, plan: NetworkPlan): CheckSite {
  const T = plan.batch;
  const name = str(layer.name);
  return {
    l: layer.index,
    T,
    nIn: T * size3(layer.input),
    nOut: T * size3(layer.output),
    k: (role: KernelRole) => `gen.${l.kernels[role]}`,
    w: (key: string) => `W0[${name}].${key}`,
    name,
    msg: (suffix: string) => str(`${layer.name}${suffix}`),
    lossLayer: layer.index === plan.layers.length - 1 && plan.endsWithSoftmax,
  };
}

function layerChecks(layer: Layer, l: LayerPlan, plan: NetworkPlan): string[] {
  const body = emitterOf(layer.op).checks(layer, checkSite(layer, l, plan));
  return [
    `  it(${str(`kernels of ${layer.name} (${layer.op}) on the interpreter's inputs`)}, () => {`,
    ...body.map((s) => `    ${s}`),
    `  }, TIMEOUT);`,
  ];
}

/**
 * `"<layer>": { <key>: [<Σ|terms| expression>, <ratio>], … }, …`: the layers' sums over the
 * batch, from each op's gradTerms or stateTerms, the ratio under which the floor applies.
 */
function sumTerms(plan: NetworkPlan, which: 'gradTerms' | 'stateTerms'): string {
  const ratio = { zero: '1e-9', small: 'TOL' } as const;
  return plan.checked.layers.flatMap((layer, i) => {
    const terms = Object.entries(emitterOf(layer.op)[which]?.(layer, checkSite(layer, plan.layers[i], plan)) ?? {});
    return terms.length ? [`${str(layer.name)}: { ${terms.map(([key, t]) => `${key}: [${t.terms}, ${ratio[t.below]}]`).join(', ')} }`] : [];
  }).join(', ');
}

export function renderTest(plan: NetworkPlan): string {
  const net = plan.checked;
  const tolerance = plan.dtype === 'f64' ? '1e-4' : '1e-3';
  return render('test', {
    network: net.name,
    source: plan.source,
    dtype: plan.dtype,
    tolerance,
    arrayType: plan.dtype === 'f64' ? 'Float64Array' : 'Float32Array',
    batch: net.batch,
    endsWithSoftmax: net.endsWithSoftmax,
    // Layers with state (bn's running statistics) get the inference check.
    hasState: plan.layers.some((l) => l.params.some((q) => !q.learnable)),
    inputSize: plan.inputSize,
    outputSize: plan.outputSize,
    classes: plan.output[0],
    lastLayer: str(net.layers[net.layers.length - 1]?.name ?? ''),
    netJson: JSON.stringify(net, null, 1).replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029'),
    // Every op's, used or not: the import line is the same in every generated test.
    interpreterImports: Object.values(opEmitters()).flatMap((e) => e.interpreter ?? []),
    checks: net.layers.map((l, i) => layerChecks(l, plan.layers[i], plan).join('\n')).join('\n\n'),
    terms: sumTerms(plan, 'gradTerms'),
    stateTerms: sumTerms(plan, 'stateTerms'),
  });
}
