// The statements inside the generated Model class: allocation, the forward chain, the
// backward chain, SGD, accessors and weights in and out. Layers are addressed by index
// (`a[3]`, `p[3].w`); model names appear only as JSON string literals.
import type { OptionalKind, MethodDeclarationStructure } from 'ts-morph';
import { tsMorph } from './morph.js';
import type { BufferKind, KernelPlan, KernelRole, LayerPlan, NetworkPlan } from '../lower/types.js';
import { str } from './names.js';
import { emitterOf } from './ops.js';

const lines = (...ls: (string | string[] | false | undefined)[]): string =>
  ls.flat().filter((l): l is string => typeof l === 'string').join('\n');

const dims = (s: number[]) => s.join('×');

/**
 * The call of a kernel, printed for the plan's target. JS: the kernel function on the
 * model's arrays, each argument the array of the buffer the plan binds the parameter to
 * (a flag parameter passes the model's field of that name). WebAssembly: the instance's
 * function of that name, whose buffers are literal addresses; only flags are passed.
 */
export function kernelCall(plan: NetworkPlan, k: KernelPlan): string {
  const M = plan.memory;
  if (plan.target === 'wasm') {
    return `this.$k.${k.name}(${k.params.filter((q) => q.buffer == null).map((q) => `this.$${q.name} ? 1 : 0`).join(', ')})`;
  }
  const ref = (key: string): string => {
    const b = M.buffers[M.index[key]];
    switch (b.kind) {
      case 'input': return 'this.$x';
      case 'inputSensitivity': return 'this.inputSensitivity';
      case 'activation': return `a[${b.layer}]`;
      case 'sensitivity': return `s[${b.layer}]`;
      case 'path': return `path[${b.layer}]!`;
      case 'param': return `p[${b.layer}].${b.key}`;
      case 'grad': return `g[${b.layer}].${b.key}`;
      case 'cache': return b.key === 'sums' ? `this.$sums[${b.layer}]!` : `c[${b.layer}].${b.key}`;
      case 'labels': return 'this.$z';
      default: throw new Error(`cnnc: kernel ${k.name} takes buffer ${key}, which the model does not pass`);
    }
  };
  return `${k.name}(${k.params.map((q) => (q.buffer == null ? `this.$${q.name}` : ref(q.buffer))).join(', ')})`;
}

/** The call site of one layer: its kernels' calls by role. */
function callSite(plan: NetworkPlan, l: LayerPlan) {
  return {
    call(role: KernelRole): string {
      const k = plan.kernels.find((x) => x.layer === l.index && x.role === role);
      if (!k) throw new Error(`cnnc: layer ${l.name} has no ${role} kernel in the plan`);
      return kernelCall(plan, k);
    },
    has: (role: KernelRole) => plan.kernels.some((x) => x.layer === l.index && x.role === role),
  };
}

/** Declares the short locals a body uses (only those, so strict `noUnusedLocals` builds stay clean). */
export function withLocals(body: string): string {
  const all: [string, string][] = [['a', '$act'], ['s', '$sens'], ['p', '$p'], ['g', '$g'], ['c', '$cache'], ['path', '$path']];
  const used = all.filter(([v]) => new RegExp(`(^|[^\\w$.])${v}\\[`).test(body));
  return used.length ? `const ${used.map(([v, f]) => `${v} = this.${f}`).join(', ')};\n${body}` : body;
}

export function modelBodies(plan: NetworkPlan) {
  const L = plan.layers;
  const n = L.length;
  const wasm = plan.target === 'wasm';
  const forwardCall = (l: LayerPlan): string => emitterOf(l.op).forward(l, callSite(plan, l));
  // Gradients first (they read dy and x), then dx.
  const backwardCall = (l: LayerPlan): string => emitterOf(l.op).backward(l, callSite(plan, l));
  const out = n === 0 ? 'this.$x' : `a[${n - 1}]`;
  const K = plan.output[0];
  const inShape = str(`${plan.batch}×${dims(plan.input)}`);
  const outShape = str(`${plan.batch}×${dims(plan.output)}`);
  const withParams = L.filter((l) => l.params.length > 0);
  const layerList = str(L.map((l) => l.name).join(', '));

  // Sizes from the buffer table: every array the model owns is one of its buffers.
  const M = plan.memory;
  const size = (kind: BufferKind, layer: number, key = ''): number | undefined => {
    const id = M.index[`${kind}/${layer}/${key}`];
    return id === undefined ? undefined : M.buffers[id].elements;
  };
  // JS: arrays of their own; WebAssembly: views of the instance's memory at the plan's offsets.
  const alloc = (kind: BufferKind, layer: number, key = '', type = 'F') => {
    const id = M.index[`${kind}/${layer}/${key}`];
    if (!wasm) return `new ${type}(${size(kind, layer, key) ?? 0})`;
    if (id === undefined) return `new ${type}(0)`;
    return `new ${type}($b, ${M.buffers[id].offset}, ${M.buffers[id].elements})`;
  };
  const tensors = (kind: BufferKind, l: LayerPlan, keys: string[]) => `{ ${keys.map((k) => `${k}: ${alloc(kind, l.index, k)}`).join(', ')} }`;
  const learnable = (l: LayerPlan) => l.params.filter((q) => q.learnable).map((q) => q.key);
  const constructor = lines(
    wasm && `const $i = $instantiate();`,
    wasm && `this.$k = $i.call;`,
    wasm && `const $b = $i.memory.buffer;`,
    `this.$x = ${alloc('input', -1)};`,
    `this.inputSensitivity = ${alloc('inputSensitivity', -1)};`,
    `this.$act = [${L.map((l) => alloc('activation', l.index)).join(', ')}];`,
    `this.$sens = [${L.map((l) => alloc('sensitivity', l.index)).join(', ')}];`,
    `this.$path = [${L.map((l) => (size('path', l.index) === undefined ? 'null' : alloc('path', l.index, '', 'Int32Array'))).join(', ')}];`,
    `this.$p = [${L.map((l) => tensors('param', l, l.params.map((q) => q.key))).join(', ')}];`,
    `this.$g = [${L.map((l) => tensors('grad', l, learnable(l))).join(', ')}];`,
    `this.$v = [${L.map((l) => tensors('momentum', l, learnable(l))).join(', ')}];`,
    !wasm && `this.$cache = [${L.map((l) => tensors('cache', l, l.cache.filter((q) => q.key !== 'sums').map((q) => q.key))).join(', ')}];`,
    `this.$z = ${alloc('labels', -1)};`,
    plan.shard && `this.$sums = [${L.map((l) => (size('cache', l.index, 'sums') === undefined ? 'null' : alloc('cache', l.index, 'sums', 'Float64Array'))).join(', ')}];`,
    plan.shard && `this.$onReduce = options?.reduce ?? null;`,
    plan.shard && plan.shard.batch < plan.shard.of &&
      `if (typeof this.$onReduce !== 'function') $fail('this module computes ${plan.shard.batch} of the ${plan.shard.of} samples of a mini-batch (a shard build): pass options.reduce, which sums bn statistics over every shard');`,
    `this.$index = new Map<string, number>([${L.map((l) => `[${str(l.name)}, ${l.index}]`).join(', ')}]);`,
    `this.init(options?.seed ?? 0);`,
  );

  // He tensors draw from one stream in layer order, tensor order, storage order (init.ts).
  const init = lines(
    `if (typeof seed !== 'number' || !Number.isFinite(seed)) $fail(\`init: the seed must be a finite number, got \${$describe(seed)}\`);`,
    `const next = $mulberry32(seed);`,
    `const p = this.$p;`,
    ...L.flatMap((l) => l.params.map((q) => {
      const t = `p[${l.index}].${q.key}`;
      if (q.init === 'zeros') return `${t}.fill(0);`;
      if (q.init === 'ones') return `${t}.fill(1);`;
      return `{ const t = ${t}; const limit = Math.sqrt(6 / ${q.fanIn}); for (let i = 0; i < ${q.size}; i++) t[i] = (2 * next() - 1) * limit; }`;
    })),
    `for (const v of this.$v) for (const k in v) v[k].fill(0);`,
    `this.zeroGrads();`,
  );

  const forward = lines(
    `$copyIn(input, this.$x, 'forward: input', ${inShape});`,
    `const training = options?.training ?? true;`,
    `if (typeof training !== 'boolean') $fail(\`forward: options.training must be true or false, got \${$describe(training)}\`);`,
    `this.$training = training;`,
    withLocals(lines(...L.map((l) => forwardCall(l)), `return ${out};`)),
  );

  // Layers the shared backward chain covers: all but a final softmax trained from labels.
  const chainTop = plan.endsWithSoftmax ? n - 2 : n - 1;
  const chain = withLocals(lines(...L.slice(0, chainTop + 1).reverse().map((l) => backwardCall(l))));
  const accumulate = lines(
    `const accumulate = options?.accumulate ?? false;`,
    `if (typeof accumulate !== 'boolean') $fail(\`options.accumulate must be true or false, got \${$describe(accumulate)}\`);`,
    `if (!accumulate) this.zeroGrads();`,
  );
  const last = L[n - 1];
  const backward = plan.endsWithSoftmax
    ? lines(
      `$copyIn(labels, this.$z, 'backward: labels', ${str(`${plan.batch}×${K}`)});`,
      accumulate,
      `this.$fromLabels = true;`,
      withLocals(`const loss = ${callSite(plan, last).call('loss')};`),
      `this.$back();`,
      `return loss;`,
    )
    : lines(
      `void labels;`,
      `void options;`,
      `return $fail('backward(labels) needs a network ending in softmax; this one does not: use backwardFrom(outSens)');`,
    );
  const sensOut = n === 0 ? 'this.inputSensitivity' : `this.$sens[${n - 1}]`;
  const backwardFrom = lines(
    `$copyIn(outSens, ${sensOut}, 'backwardFrom: outSens', ${outShape});`,
    accumulate,
    `this.$fromLabels = false;`,
    withLocals(lines(
      `const G = ${sensOut}, y = ${out};`,
      `let loss = 0;`,
      `for (let i = 0; i < ${plan.outputSize}; i++) loss += G[i] * y[i];`,
      plan.endsWithSoftmax && `${callSite(plan, last).call('backward')};`,
    )),
    `this.$back();`,
    `return loss;`,
  );

  // WebAssembly: one function steps every tensor (src/wasm/kernels/sgd.ts), one clears the gradients.
  const step = wasm
    ? lines(`const { lr, momentum } = $stepOptions(options);`, `this.$k.$step(lr, momentum);`)
    : lines(
      `const { lr, momentum } = $stepOptions(options);`,
      `const p = this.$p, g = this.$g, v = this.$v;`,
      ...L.flatMap((l) => l.params.filter((q) => q.learnable).map((q) =>
        `$sgd(p[${l.index}].${q.key}, g[${l.index}].${q.key}, v[${l.index}].${q.key}, lr, momentum);`)),
    );

  const zeroGrads = wasm ? `this.$k.$zero_grads();` : `for (const g of this.$g) for (const k in g) g[k].fill(0);`;

  const layerIndex = lines(
    `const i = typeof name === 'string' ? this.$index.get(name) : undefined;`,
    `if (i === undefined) return $fail(\`no layer named \${JSON.stringify(name)} (layers: \${${layerList}})\`);`,
    `return i;`,
  );
  const tensorOf = (table: string, what: string) => `return $tensor(this.${table}[this.$layer(layer)], layer, key, ${str(what)});`;
  const opOf = `[${L.map((l) => str(l.op)).join(', ')}]`;
  const softmaxIndex = plan.endsWithSoftmax ? n - 1 : -1;

  // Weights JSON: every layer with parameters, keys in storage order.
  const toJSON = lines(
    `const out: Record<string, Record<string, number[]>> = {};`,
    ...withParams.map((l) => `$put(out, ${str(l.name)}, { ${l.params.map((q) => `${q.key}: Array.from(this.$p[${l.index}].${q.key})`).join(', ')} });`),
    `return out;`,
  );
  // Running statistics may be absent from a weights JSON (then 0 and 1).
  const jsonKeys = (l: LayerPlan) => l.params.map((q) => `[${str(q.key)}, ${!q.learnable}, ${q.init === 'ones' ? 1 : 0}]`).join(', ');
  const loadJSON = `$loadJSON(weights, [${withParams.map((l) => `\n  { name: ${str(l.name)}, tensors: this.$p[${l.index}], keys: [${jsonKeys(l)}] },`).join('')}${withParams.length ? '\n' : ''}], (name) => this.$index.has(name));`;
  const tensorList = withParams.flatMap((l) => l.params.map((q) => ({ what: `${l.name}.${q.key}`, ref: `this.$p[${l.index}].${q.key}` })));
  const nameBytes = `[${Array.from(new TextEncoder().encode(plan.network)).join(', ')}]`;
  const toBinary = `return $toBinary(${nameBytes}, [${tensorList.map((t) => t.ref).join(', ')}]);`;
  const loadBinary = `$fromBinary(bytes, ${nameBytes}, [${tensorList.map((t) => `{ what: ${str(t.what)}, into: ${t.ref} }`).join(', ')}]);`;

  const privates: OptionalKind<MethodDeclarationStructure>[] = [
    { name: '$layer', scope: tsMorph().Scope.Private, parameters: [{ name: 'name', type: 'string' }], returnType: 'number', statements: layerIndex },
    { name: '$back', scope: tsMorph().Scope.Private, returnType: 'void', statements: chain },
  ];
  if (plan.shard) {
    // The hook sees the part of bn layer `layer`'s sums to replace by the sums over every
    // shard: 0 the first half (Σx), 1 the second (Σ(x−μ)²), 2 both (Σdy, Σdy·x̂).
    privates.push({
      name: '$reduce', scope: tsMorph().Scope.Private, returnType: 'void',
      parameters: [{ name: 'layer', type: 'number' }, { name: 'part', type: '0 | 1 | 2' }],
      statements: lines(
        `const s = this.$sums[layer]!, n = s.length / 2;`,
        `this.$onReduce?.(part === 0 ? s.subarray(0, n) : part === 1 ? s.subarray(n) : s, layer, part);`,
      ),
    });
  }

  return {
    constructor,
    init,
    forward,
    backward,
    backwardFrom,
    step,
    zeroGrads,
    activation: `return this.$act[this.$layer(layer)];`,
    sensitivity: lines(
      `const i = this.$layer(layer);`,
      `return i === ${softmaxIndex} && this.$fromLabels ? null : this.$sens[i];`,
    ),
    path: lines(
      `const i = this.$layer(layer);`,
      `const t = this.$path[i];`,
      `if (t === null) return $fail(\`layer \${JSON.stringify(layer)} is a \${${opOf}[i]} layer; only pool layers have a path\`);`,
      `return t;`,
    ),
    grad: tensorOf('$g', 'gradient'),
    param: tensorOf('$p', 'parameter'),
    toJSON,
    loadJSON,
    toBinary,
    loadBinary,
    privates,
  };
}
