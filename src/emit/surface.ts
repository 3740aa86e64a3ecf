// The module's small public surface as ts-morph structures: the metadata types and value,
// the Model class and createModel. The same structures print the .ts (with bodies) and the
// .d.ts (ambient, no bodies), so the two can never disagree. Method bodies come from
// ./model-body.ts; nothing here knows a kernel's inside.
import {
  type ClassDeclarationStructure, type FunctionDeclarationStructure, type InterfaceDeclarationStructure,
  type MethodDeclarationStructure, type OptionalKind, type StatementStructures,
  type VariableStatementStructure, type PropertyDeclarationStructure,
} from 'ts-morph';
import { tsMorph } from './morph.js';
import type { NetworkPlan } from '../lower/types.js';
import { modelBodies } from './model-body.js';
import { opEmitters } from './ops.js';

type Method = OptionalKind<MethodDeclarationStructure>;

export const metaInterfaces = (plan: NetworkPlan): InterfaceDeclarationStructure[] => [
  {
    kind: tsMorph().StructureKind.Interface, name: 'LayerMeta', isExported: true,
    properties: [
      { name: 'name', type: 'string', isReadonly: true },
      { name: 'op', type: Object.keys(opEmitters()).map((op) => `'${op}'`).join(' | '), isReadonly: true },
      { name: 'input', type: 'readonly [number, number, number]', isReadonly: true },
      { name: 'output', type: 'readonly [number, number, number]', isReadonly: true },
      { name: 'params', type: 'readonly { readonly key: string; readonly shape: readonly number[]; readonly learnable: boolean }[]', isReadonly: true },
    ],
  },
  {
    kind: tsMorph().StructureKind.Interface, name: 'ModelMeta', isExported: true,
    properties: [
      { name: 'name', type: 'string', isReadonly: true },
      { name: 'batch', type: 'number', isReadonly: true },
      { name: 'input', type: 'readonly [number, number, number]', isReadonly: true },
      { name: 'output', type: 'readonly [number, number, number]', isReadonly: true },
      { name: 'dtype', type: "'f32' | 'f64'", isReadonly: true },
      { name: 'target', type: "'js' | 'wasm'", isReadonly: true },
      { name: 'endsWithSoftmax', type: 'boolean', isReadonly: true },
      { name: 'layers', type: 'readonly LayerMeta[]', isReadonly: true },
      // Shard builds only: this module computes `batch` of the `of` samples of a mini-batch.
      ...(plan.shard ? [{ name: 'shard', type: '{ readonly batch: number; readonly of: number }', isReadonly: true }] : []),
    ],
  },
];

/** The `meta` value, as JSON: every name from the model is a JSON string literal. */
export function metaValue(plan: NetworkPlan): string {
  const meta = {
    name: plan.network,
    batch: plan.batch,
    input: plan.input,
    output: plan.output,
    dtype: plan.dtype,
    target: plan.target,
    endsWithSoftmax: plan.endsWithSoftmax,
    ...(plan.shard && { shard: plan.shard }),
    ...(plan.inference && { inference: true }),
    layers: plan.layers.map((l) => ({
      name: l.name, op: l.op, input: l.input, output: l.output,
      params: l.params.map((p) => ({ key: p.key, shape: p.shape, learnable: p.learnable })),
    })),
  };
  // One line per layer: readable, and no model name can end a line or a string early.
  const { layers, ...top } = meta;
  const body = [
    ...Object.entries(top).map(([k, v]) => `  ${k}: ${JSON.stringify(v)},`),
    '  layers: [',
    ...layers.map((l) => `    ${JSON.stringify(l)},`),
    '  ],',
  ];
  return `{\n${body.join('\n')}\n}`.replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

const doc = (text: string) => [{ description: text }];

/** Public members of Model: signatures shared by the .ts and the .d.ts. */
function publicMethods(bodies: ReturnType<typeof modelBodies> | null): Method[] {
  type Bodies = ReturnType<typeof modelBodies>;
  const b = (k: Exclude<keyof Bodies, 'privates'>): string | undefined => (bodies ? bodies[k] : undefined);
  return [
    { name: 'init', parameters: [{ name: 'seed', type: 'number' }], returnType: 'void', statements: b('init'),
      docs: doc('Seeded initialisation, identical to cnnc\'s src/model/init.ts (He-uniform, γ = 1, β = 0, running statistics 0 and 1); clears gradients and momentum.') },
    { name: 'forward', parameters: [{ name: 'input', type: 'ArrayLike<number>' }, { name: 'options', type: '{ training?: boolean }', hasQuestionToken: true }], returnType: 'F', statements: b('forward'),
      docs: doc('Runs the whole batch (T·C·H·W numbers, NCHW) and returns the model-owned output block. `training` (default true): bn uses batch statistics and updates its running ones; false: the running ones.') },
    { name: 'backward', parameters: [{ name: 'labels', type: 'ArrayLike<number>' }, { name: 'options', type: '{ accumulate?: boolean }', hasQuestionToken: true }], returnType: 'number', statements: b('backward'),
      docs: doc('For networks ending in softmax: cross-entropy against the labels (T·K numbers). Returns the loss J (a sum over the batch) and fills every sensitivity and gradient; gradients are cleared first unless `accumulate`.') },
    { name: 'backwardFrom', parameters: [{ name: 'outSens', type: 'ArrayLike<number>' }, { name: 'options', type: '{ accumulate?: boolean }', hasQuestionToken: true }], returnType: 'number', statements: b('backwardFrom'),
      docs: doc('Backward pass from a given ∂J/∂output G (shaped like the output); returns J = Σ G·output.') },
    { name: 'step', parameters: [{ name: 'options', type: '{ lr: number; momentum?: number }' }], returnType: 'void', statements: b('step'),
      docs: doc('SGD on the learnable parameters: v = momentum·v + g; p -= lr·v.') },
    { name: 'zeroGrads', returnType: 'void', statements: b('zeroGrads'), docs: doc('Sets every gradient to 0.') },
    { name: 'activation', parameters: [{ name: 'layer', type: 'string' }], returnType: 'F', statements: b('activation'), docs: doc('The layer\'s output block (model-owned).') },
    { name: 'sensitivity', parameters: [{ name: 'layer', type: 'string' }], returnType: 'F | null', statements: b('sensitivity'),
      docs: doc('∂J/∂(the layer\'s output); null for softmax after a backward pass from labels.') },
    { name: 'path', parameters: [{ name: 'layer', type: 'string' }], returnType: 'Int32Array', statements: b('path'), docs: doc('A pool layer\'s path: the flat in-map index of each output\'s maximum.') },
    { name: 'grad', parameters: [{ name: 'layer', type: 'string' }, { name: 'key', type: 'string' }], returnType: 'F', statements: b('grad'), docs: doc('A learnable tensor\'s gradient (w, b, gamma, beta).') },
    { name: 'param', parameters: [{ name: 'layer', type: 'string' }, { name: 'key', type: 'string' }], returnType: 'F', statements: b('param'), docs: doc('A parameter or state tensor (w, b, gamma, beta, runningMean, runningVar).') },
    { name: 'toJSON', returnType: 'Record<string, Record<string, number[]>>', statements: b('toJSON'), docs: doc('The weights JSON of cnnc\'s docs/formats.md.') },
    { name: 'loadJSON', parameters: [{ name: 'weights', type: 'unknown' }], returnType: 'void', statements: b('loadJSON'),
      docs: doc('Loads the weights JSON; checks everything before changing anything.') },
    { name: 'toBinary', returnType: 'Uint8Array', statements: b('toBinary'), docs: doc('The weights binary form (float32 little-endian with a checked header).') },
    { name: 'loadBinary', parameters: [{ name: 'bytes', type: 'ArrayBuffer | Uint8Array' }], returnType: 'void', statements: b('loadBinary'),
      docs: doc('Loads the weights binary form; checks the header against this network first.') },
  ];
}

/**
 * The Model's options. Shard builds add `reduce`: called with a bn layer's sums of this
 * shard (Float64Array), which it must replace in place by the sums over every shard of the
 * mini-batch, in the same order on every worker.
 */
const modelOptions = (plan: NetworkPlan): string =>
  plan.shard ? '{ seed?: number; reduce?: (sums: Float64Array, layer: number, part: 0 | 1 | 2) => void }' : '{ seed?: number }';

function modelClass(plan: NetworkPlan, ambient: boolean): ClassDeclarationStructure {
  const bodies = ambient ? null : modelBodies(plan);
  const privateFields: OptionalKind<PropertyDeclarationStructure>[] = ambient ? [] : [
    ['$x', 'F'], ['$act', 'F[]'], ['$sens', 'F[]'], ['$path', '(Int32Array | null)[]'],
    ['$p', 'Record<string, F>[]'], ['$g', 'Record<string, F>[]'], ['$v', 'Record<string, F>[]'],
    ['$z', 'F'], ['$index', 'Map<string, number>'],
    // JS: the BN caches the kernels pass between forward and backward (WebAssembly keeps them in its memory).
    ...(plan.target === 'js' ? [['$cache', 'Record<string, F>[]']] : []),
    // WebAssembly: the instance's functions (kernels at literal addresses, $step, $zero_grads).
    ...(plan.target === 'wasm' ? [['$k', 'Record<string, (...args: number[]) => number>']] : []),
    // Shard builds: bn's float64 sums per layer, and the hook that sums them over every shard.
    ...(plan.shard ? [['$sums', '(Float64Array | null)[]'], ['$onReduce', '((sums: Float64Array, layer: number, part: 0 | 1 | 2) => void) | null']] : []),
  ].map(([name, type]) => ({ name, type, scope: tsMorph().Scope.Private, isReadonly: true }));
  if (!ambient) {
    privateFields.push(
      { name: '$training', type: 'boolean', scope: tsMorph().Scope.Private, initializer: 'true' },
      { name: '$fromLabels', type: 'boolean', scope: tsMorph().Scope.Private, initializer: 'false' },
    );
  }
  return {
    kind: tsMorph().StructureKind.Class, name: 'Model', isExported: true, hasDeclareKeyword: ambient,
    docs: doc(`Network ${plan.network}: preallocated parameters, gradients, activations and sensitivities; no allocation per call.`),
    properties: [
      { name: 'inputSensitivity', type: 'F', isReadonly: true, docs: doc('∂J/∂input after a backward pass.') },
      ...privateFields,
    ],
    ctors: [{ parameters: [{ name: 'options', type: modelOptions(plan), hasQuestionToken: true }], statements: bodies?.constructor }],
    methods: [
      ...publicMethods(bodies),
      ...(ambient ? [] : (bodies!.privates as Method[])),
    ],
  };
}

function createModel(plan: NetworkPlan, ambient: boolean): FunctionDeclarationStructure {
  return {
    kind: tsMorph().StructureKind.Function, name: 'createModel', isExported: true, hasDeclareKeyword: ambient,
    parameters: [{ name: 'options', type: modelOptions(plan), hasQuestionToken: true }], returnType: 'Model',
    statements: ambient ? undefined : 'return new Model(options);',
  };
}

/**
 * The same, for contexts that must not compile WebAssembly synchronously (a browser page's
 * main thread refuses big modules); with the JS target it simply resolves to a new Model.
 */
function createModelAsync(plan: NetworkPlan, ambient: boolean): FunctionDeclarationStructure {
  return {
    kind: tsMorph().StructureKind.Function, name: 'createModelAsync', isExported: true, hasDeclareKeyword: ambient,
    isAsync: !ambient,
    parameters: [{ name: 'options', type: modelOptions(plan), hasQuestionToken: true }], returnType: 'Promise<Model>',
    statements: ambient ? undefined : plan.target === 'wasm' ? 'await $moduleAsync();\nreturn new Model(options);' : 'return new Model(options);',
  };
}

function metaStatement(plan: NetworkPlan, ambient: boolean): VariableStatementStructure {
  return {
    kind: tsMorph().StructureKind.VariableStatement, isExported: true, hasDeclareKeyword: ambient,
    declarationKind: tsMorph().VariableDeclarationKind.Const,
    declarations: [{ name: 'meta', type: 'ModelMeta', initializer: ambient ? undefined : metaValue(plan) }],
  };
}

/** The surface of the .ts (with bodies) or of the .d.ts (ambient). */
export function surfaceStructures(plan: NetworkPlan, ambient: boolean): StatementStructures[] {
  return [...metaInterfaces(plan), metaStatement(plan, ambient), modelClass(plan, ambient), createModel(plan, ambient), createModelAsync(plan, ambient)];
}
