// The surface of an inference module (`cnnc build --inference`, NetworkPlan.inference): the
// metadata (with `inference: true`), a Model that only runs forward in inference mode over
// built-in weights, with activation and parameter access, and createModel(Async). Printed
// from the plan like the training surface (src/emit/surface.ts), whose metadata it shares;
// the JS target's weights come with a small runtime (templates/js-inference-runtime.hbs),
// the wasm target's are the module's data section (src/wasm/module.ts).
import {
  type ClassDeclarationStructure, type FunctionDeclarationStructure, type MethodDeclarationStructure,
  type OptionalKind, type PropertyDeclarationStructure, type StatementStructures,
} from 'ts-morph';
import { tsMorph } from './morph.js';
import type { BufferKind, NetworkPlan } from '../lower/types.js';
import { kernelCall, withLocals } from './model-body.js';
import { str } from './names.js';
import { metaInterfaces, metaValue } from './surface.js';
import { templateText } from './templates.js';

type Method = OptionalKind<MethodDeclarationStructure>;

const doc = (text: string) => [{ description: text }];
const lines = (...ls: (string | false)[]): string => ls.filter((l): l is string => l !== false).join('\n');

/** The constructor, forward and accessors, from the plan's kernels and buffer table. */
function bodies(plan: NetworkPlan) {
  const wasm = plan.target === 'wasm';
  const M = plan.memory;
  const L = plan.layers;
  const buffer = (kind: BufferKind, layer: number, key = '') => {
    const id = M.index[`${kind}/${layer}/${key}`];
    if (id === undefined) throw new Error(`cnnc: the inference plan has no buffer ${kind}/${layer}/${key}`);
    return M.buffers[id];
  };
  // JS: arrays of their own; WebAssembly: views of the instance's memory at the plan's offsets.
  const alloc = (kind: BufferKind, layer: number, key = '') => {
    const b = buffer(kind, layer, key);
    return wasm ? `new F($b, ${b.offset}, ${b.elements})` : `new F(${b.elements})`;
  };
  const params = M.buffers.filter((b) => b.kind === 'param');
  const constructor = lines(
    wasm && `const $i = $instantiate();`,
    wasm && `this.$k = $i.call;`,
    wasm && `const $b = $i.memory.buffer;`,
    `this.$x = ${alloc('input', -1)};`,
    `this.$act = [${L.map((l) => alloc('activation', l.index)).join(', ')}];`,
    `this.$p = [${L.map((l) => `{ ${l.params.map((q) => `${q.key}: ${alloc('param', l.index, q.key)}`).join(', ')} }`).join(', ')}];`,
    // WebAssembly: the instance's memory starts with the weights (its data section).
    !wasm && params.length > 0 && `$unpack([${params.map((b) => `this.$p[${b.layer}].${b.key}`).join(', ')}]);`,
    `this.$index = new Map<string, number>([${L.map((l) => `[${str(l.name)}, ${l.index}]`).join(', ')}]);`,
  );
  const n = L.length;
  const forward = lines(
    `$copyIn(input, this.$x, 'forward: input', ${str(`${plan.batch}×${plan.input.join('×')}`)});`,
    `const training = options?.training ?? false;`,
    `if (training !== false) $fail(\`forward: this module was built for inference only (cnnc build --inference): options.training must be false or absent, got \${training === true ? 'true' : $describe(training)}; training needs a module built without --inference\`);`,
    withLocals(lines(...plan.kernels.map((k) => `${kernelCall(plan, k)};`), `return ${n === 0 ? 'this.$x' : `a[${n - 1}]`};`)),
  );
  const layerList = str(L.map((l) => l.name).join(', '));
  const layerIndex = lines(
    `const i = typeof name === 'string' ? this.$index.get(name) : undefined;`,
    `if (i === undefined) return $fail(\`no layer named \${JSON.stringify(name)} (layers: \${${layerList}})\`);`,
    `return i;`,
  );
  return {
    constructor,
    forward,
    activation: `return this.$act[this.$layer(layer)];`,
    param: `return $tensor(this.$p[this.$layer(layer)], layer, key, 'parameter');`,
    layerIndex,
  };
}

function modelClass(plan: NetworkPlan, ambient: boolean): ClassDeclarationStructure {
  const b = ambient ? null : bodies(plan);
  const fields: OptionalKind<PropertyDeclarationStructure>[] = ambient ? [] : [
    ['$x', 'F'], ['$act', 'F[]'], ['$p', 'Record<string, F>[]'], ['$index', 'Map<string, number>'],
    // WebAssembly: the instance's functions (the inference kernels at literal addresses).
    ...(plan.target === 'wasm' ? [['$k', 'Record<string, (...args: number[]) => number>']] : []),
  ].map(([name, type]) => ({ name, type, scope: tsMorph().Scope.Private, isReadonly: true }));
  const methods: Method[] = [
    {
      name: 'forward', parameters: [{ name: 'input', type: 'ArrayLike<number>' }, { name: 'options', type: '{ training?: false }', hasQuestionToken: true }],
      returnType: 'F', statements: b?.forward,
      docs: doc('Runs the whole batch (T·C·H·W numbers, NCHW) in inference mode (bn with its running statistics) and returns the model-owned output block. This module has no training mode: `training: true` is an error.'),
    },
    { name: 'activation', parameters: [{ name: 'layer', type: 'string' }], returnType: 'F', statements: b?.activation, docs: doc('The layer\'s output block (model-owned).') },
    {
      name: 'param', parameters: [{ name: 'layer', type: 'string' }, { name: 'key', type: 'string' }], returnType: 'F', statements: b?.param,
      docs: doc('A parameter or state tensor (w, b, gamma, beta, runningMean, runningVar), holding the built-in weights; writes change what forward computes.'),
    },
    ...(b ? [{ name: '$layer', scope: tsMorph().Scope.Private, parameters: [{ name: 'name', type: 'string' }], returnType: 'number', statements: b.layerIndex }] : []),
  ];
  return {
    kind: tsMorph().StructureKind.Class, name: 'Model', isExported: true, hasDeclareKeyword: ambient,
    docs: doc(`Network ${plan.network}, inference only: built-in weights (${plan.weights?.file ?? 'seeded, seed 0'}), preallocated activations; no allocation per call.`),
    properties: fields,
    ctors: [{ parameters: [], statements: b?.constructor }],
    methods,
  };
}

function factories(plan: NetworkPlan, ambient: boolean): FunctionDeclarationStructure[] {
  return [
    {
      kind: tsMorph().StructureKind.Function, name: 'createModel', isExported: true, hasDeclareKeyword: ambient,
      parameters: [], returnType: 'Model', statements: ambient ? undefined : 'return new Model();',
    },
    {
      // For contexts that must not compile WebAssembly synchronously (a browser page's main thread).
      kind: tsMorph().StructureKind.Function, name: 'createModelAsync', isExported: true, hasDeclareKeyword: ambient, isAsync: !ambient,
      parameters: [], returnType: 'Promise<Model>',
      statements: ambient ? undefined : plan.target === 'wasm' ? 'await $moduleAsync();\nreturn new Model();' : 'return new Model();',
    },
  ];
}

/** The inference module's surface, of the .ts (with bodies) or of the .d.ts (ambient). */
export function inferenceStructures(plan: NetworkPlan, ambient: boolean): StatementStructures[] {
  if (!plan.inference || !plan.weights) throw new Error(`cnnc: the plan of ${plan.network} is not an inference plan with weights`);
  const interfaces = metaInterfaces(plan).map((i) => i.name !== 'ModelMeta' ? i : {
    ...i, properties: [...(i.properties ?? []), { name: 'inference', type: 'true', isReadonly: true, docs: doc('Built with --inference: forward in inference mode only, weights built in.') }],
  });
  return [
    ...interfaces,
    {
      kind: tsMorph().StructureKind.VariableStatement, isExported: true, hasDeclareKeyword: ambient, declarationKind: tsMorph().VariableDeclarationKind.Const,
      declarations: [{ name: 'meta', type: 'ModelMeta', initializer: ambient ? undefined : metaValue(plan) }],
    },
    modelClass(plan, ambient),
    ...factories(plan, ambient),
  ];
}

/** The JS target's runtime of an inference module: base64 decoding and the weights. */
export function jsInferenceRuntime(plan: NetworkPlan): string {
  if (!plan.weights) throw new Error(`cnnc: the plan of ${plan.network} has no weights`);
  const bytes = Buffer.byteLength(plan.weights.base64, 'base64');
  return `${templateText('js-inference-runtime')}
/** The weights (${bytes} bytes): every parameter tensor in layer order, ${plan.dtype === 'f32' ? 'float32' : 'float64'} little-endian. */
const $WEIGHTS = '${plan.weights.base64}';
`;
}

/**
 * The prelude's helpers (templates/prelude.hbs, one declaration per blank-line-separated
 * chunk) that `code` uses, directly or through each other: an inference module has no use
 * for the weights files, SGD or seeded initialisation, and leaving them out keeps it small.
 */
export function prunePrelude(prelude: string, code: string): string {
  const chunks = prelude.split(/\n\n/);
  const declared = chunks.map((c) => /^(?:function|interface)\s+(\$\w+)/m.exec(c)?.[1] ?? null);
  const uses = (text: string, name: string) => new RegExp(`(?<![\\w$])${name.replace(/\$/g, '\\$')}(?![\\w$])`).test(text);
  const keep = declared.map((d) => d === null);
  let used = code;
  for (let changed = true; changed;) {
    changed = false;
    declared.forEach((d, i) => {
      if (d === null || keep[i] || !uses(used, d)) return;
      keep[i] = true;
      used += `\n${chunks[i]}`;
      changed = true;
    });
  }
  const out = chunks.filter((_, i) => keep[i]).join('\n\n');
  return prelude.endsWith('\n') && !out.endsWith('\n') ? `${out}\n` : out;
}
