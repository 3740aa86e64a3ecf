// `cnnc import`: an ONNX model as a .cnn network and its weights, for the models the language
// can say exactly (docs/cli.md, "import"). The graph is walked in its (topological) order:
// constants (initializers, also those older exporters list as graph inputs) and the
// shape-only chains computed from them are folded (fold.ts); every other node must read the
// one tensor the network has computed so far and is read by a handler (import-ops.ts) that
// turns it into a cnnc layer, joins it to the layer before (a bias Add, the Slice/Pad that
// becomes a conv's anchor), or drops it (Flatten, Identity, Dropout). Every node that says
// what the language cannot is named with its op and the reason, and nothing is imported. The
// result is printed as a canonical .cnn source (src/format) and checked by the checker, like
// any file, and the weights are checked like any weights file.
import type { CheckedNetwork } from '../model/checked.js';
import { emptyWeights, layerEntry, put, type Weights } from '../model/weights.js';
import { checkSource } from '../frontend/index.js';
import { formatSource } from '../format/index.js';
import { weightProblems } from '../weights/values.js';
import { UserError } from '../errors.js';
import { clipLines, quoteClipped } from '../util/clip.js';
import { KEYWORDS } from '../../grammar/tokens.js';
import { decodeModel, dataTypeName, type OnnxModel, type OnnxNode } from './decode.js';
import { FOLDABLE, FoldError, foldNode, type Const } from './fold.js';
import { CARRY_EDIT, HANDLERS, WHY_NOT, type Edit, type Flow, type OpContext, type PendingLayer } from './import-ops.js';

export interface ImportOptions {
  /** The network's batch T; default: the model's fixed batch dimension, else 1. */
  batch?: number;
  /** The network's name; default: the graph's name, else the file's. */
  name?: string;
  /** The model's file name, for messages and the source's first comment. */
  file?: string;
}

export interface ImportedNetwork {
  /** The .cnn source, in the canonical layout of `cnnc fmt`. */
  source: string;
  network: CheckedNetwork;
  weights: Weights;
  /** What was dropped or folded, and the checker's warnings, one line each. */
  notes: string[];
}

/** An ONNX model that says what the .cnn language cannot: every offending node, its op and why. */
export class OnnxImportError extends UserError {
  constructor(readonly file: string, readonly problems: string[]) {
    super(`${file}: cannot import: ${problems.length === 1 ? 'one problem' : `${problems.length} problems`} (the .cnn language cannot say this model exactly)\n${clipLines(problems).map((p) => `  ${p}`).join('\n')}`);
    this.name = 'OnnxImportError';
  }
}

type Value =
  | { kind: 'const'; c: Const }
  | { kind: 'data'; flow: Flow; seq: number }
  /** A tensor that could not be computed; a problem already says why. */
  | { kind: 'poison' };

/** Ops whose output has the input's shape: after refusing one, later nodes can still be checked. */
const ELEMENTWISE = new Set(['Sigmoid', 'Tanh', 'LeakyRelu', 'PRelu', 'Elu', 'Selu', 'Clip', 'LogSoftmax', 'Softplus', 'Softsign', 'HardSigmoid', 'Abs', 'Neg', 'Exp', 'Log', 'Sqrt', 'Mul', 'Sub', 'Div', 'LRN', 'InstanceNormalization']);

export const describeNode = (n: OnnxNode): string =>
  (n.name ? `node ${quoteClipped(n.name)} (${n.opType})` : `node #${n.index} (${n.opType}, output ${quoteClipped(n.output[0] ?? '')})`);

/** A node as an end-of-line comment names it. */
const nodeLabel = (n: OnnxNode): string => `${n.opType} ${n.name ? quoteClipped(n.name, 60) : `#${n.index}`}`;

const commentText = (s: string): string => s.replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, ' ').slice(0, 200);

/** A word the language accepts as a name, from any string, or undefined. */
function sanitizeName(s: string, op: string): string | undefined {
  let n = s.replace(/[^A-Za-z0-9_]+/g, '_').replace(/^_+|_+$/g, '');
  if (n === '') return undefined;
  if (/^[0-9]/.test(n)) n = `${op}_${n}`;
  if (n.length > 64) n = n.slice(0, 64);
  // A keyword (`conv` from PyTorch's `self.conv`) is no name; the layer keeps its default one.
  return KEYWORDS.includes(n) ? undefined : n;
}

/** A layer name from a weight's stored name (`conv1.weight`, cnnc's own `c1.w`); none from generated ones (`onnx::Conv_23`, `7`). */
function nameFromWeight(name: string, op: string): string | undefined {
  if (name.includes('::')) return undefined;
  const m = /^(.+)\.(weight|bias|w|b|gamma|beta|scale|running_mean|running_var|runningMean|runningVar)$/.exec(name);
  return m ? sanitizeName(m[1], op) : undefined;
}

/** A layer name from a node name: PyTorch's `/features/features.0/Conv` scope, or a plain word (cnnc's own). */
function nameFromNode(name: string, op: string): string | undefined {
  if (name.startsWith('/')) {
    const parts = name.split('/').filter(Boolean);
    return parts.length >= 2 ? sanitizeName(parts[parts.length - 2], op) : undefined;
  }
  // Generated names (`Conv_0`, `relu_2`) say nothing the layer's own default name does not.
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) || /^[A-Za-z]+_[0-9]+$/.test(name)) return undefined;
  return sanitizeName(name, op);
}

/**
 * Names of the layers, undefined where the default `<op><n>` does: the first usable hint,
 * made unique against the others and against the default names (docs/language.md, "names").
 */
function assignNames(layers: PendingLayer[]): (string | undefined)[] {
  const counts = new Map<string, number>();
  const defaults = layers.map((l) => {
    const n = (counts.get(l.op) ?? 0) + 1;
    counts.set(l.op, n);
    return `${l.op}${n}`;
  });
  const names = layers.map((l, i) => {
    for (const h of l.hints) {
      const n = h.startsWith('w:') ? nameFromWeight(h.slice(2), l.op) : nameFromNode(h.slice(2), l.op);
      if (n !== undefined) return n === defaults[i] ? undefined : n;
    }
    return undefined;
  });
  const taken = new Set(names.map((n, i) => n ?? defaults[i]).filter((_, i) => names[i] === undefined));
  return names.map((n) => {
    if (n === undefined) return undefined;
    let unique = n;
    for (let k = 2; taken.has(unique); k++) unique = `${n}_${k}`;
    taken.add(unique);
    return unique;
  });
}

class Problems {
  private readonly byNode = new Map<number, { node: OnnxNode; reasons: string[] }>();
  readonly graph: string[] = [];

  add(node: OnnxNode, reasons: string[]): void {
    if (reasons.length === 0) return;
    const entry = this.byNode.get(node.index) ?? { node, reasons: [] };
    for (const r of reasons) if (!entry.reasons.includes(r)) entry.reasons.push(r);
    this.byNode.set(node.index, entry);
  }

  get count(): number {
    return this.graph.length + this.byNode.size;
  }

  lines(): string[] {
    const nodes = [...this.byNode.values()].sort((a, b) => a.node.index - b.node.index);
    return [...this.graph, ...nodes.map(({ node, reasons }) => `${describeNode(node)}: ${reasons.join('; ')}`)];
  }
}

/** The network's input: one float tensor N×C×H×W (or N×K, read as K×1×1), not stored. */
function readInput(model: OnnxModel, constants: Set<string>, problems: Problems, batchOption: number | undefined) {
  const inputs = model.graph.input.filter((i) => !constants.has(i.name));
  if (inputs.length !== 1) {
    problems.graph.push(inputs.length === 0
      ? 'the graph has no input that is not a stored constant'
      : `the graph has ${inputs.length} inputs (${inputs.map((i) => quoteClipped(i.name, 40)).join(', ')}); a cnnc network has one`);
    return null;
  }
  const input = inputs[0];
  const what = `input ${quoteClipped(input.name)}`;
  if (input.elemType !== 1) problems.graph.push(`${what} holds ${dataTypeName(input.elemType)} values; cnnc networks read float32 (FLOAT) inputs`);
  const dims = input.dims;
  if (!dims || (dims.length !== 4 && dims.length !== 2)) {
    problems.graph.push(`${what} has ${dims ? `${dims.length} dimensions [${dims.join(', ')}]` : 'no declared shape'}; cnnc inputs are N×C×H×W (or N×K)`);
    return null;
  }
  const sizes = dims.slice(1);
  if (sizes.some((d) => typeof d !== 'number' || d < 1)) {
    problems.graph.push(`${what} has dimensions [${dims.map((d) => d ?? '?').join(', ')}]; cnnc networks have fixed sizes (only the batch may vary)`);
    return null;
  }
  const [c, h, w] = (dims.length === 4 ? sizes : [sizes[0], 1, 1]) as number[];
  const batch = batchOption ?? (typeof dims[0] === 'number' && dims[0] > 0 ? dims[0] : 1);
  const flow: Flow = { shape: { c, h, w }, form: dims.length === 4 ? '4d' : 'flat', edit: null, layer: null };
  return { name: input.name, flow, batch };
}

/** Imports the ONNX model in `bytes`; throws OnnxImportError naming every node the language cannot say. */
export function importOnnx(bytes: Uint8Array, options: ImportOptions = {}): ImportedNetwork {
  const file = options.file ?? 'model.onnx';
  let model: OnnxModel;
  try {
    model = decodeModel(bytes);
  } catch (e) {
    throw new UserError(`${file}: not an ONNX model (${(e as Error).message})`);
  }
  const g = model.graph;
  const problems = new Problems();
  if (g.node.length === 0 && g.input.length === 0) throw new UserError(`${file}: not an ONNX model (it holds no graph)`);
  if (g.sparseInitializers) problems.graph.push(`the graph stores ${g.sparseInitializers} sparse initializers, which cnnc does not read`);

  const values = new Map<string, Value>();
  for (const t of g.initializer) {
    if (t.values) values.set(t.name, { kind: 'const', c: { dims: t.dims, dataType: t.dataType, values: t.values } });
    else values.set(t.name, { kind: 'poison' });
  }
  const badInitializers = new Map(g.initializer.filter((t) => !t.values).map((t) => [t.name, t.problem ?? 'unreadable']));
  const input = readInput(model, new Set(values.keys()), problems, options.batch);
  if (!input) throw new OnnxImportError(file, problems.lines());
  const batch = input.batch;
  let seq = 0;
  values.set(input.name, { kind: 'data', flow: input.flow, seq });

  const used = new Set<string>([...g.node.flatMap((n) => n.input), ...g.output.map((o) => o.name)]);
  const layers: PendingLayer[] = [];
  const dropped: OnnxNode[] = [];
  const folded: string[] = [];
  const initializers = new Set(g.initializer.map((t) => t.name));
  const poison = (n: OnnxNode) => n.output.forEach((o) => o && values.set(o, { kind: 'poison' }));
  const reportEdit = (edit: Edit, consumer: string) => {
    for (const n of edit.nodes) {
      problems.add(n, [`it ${n.opType === 'Slice' ? 'crops' : 'pads'} the map and ${consumer} follows, not a Conv that takes it as its padding (an anchor): cnnc has no padding or cropping layer`]);
    }
  };

  for (const node of g.node) {
    const op = node.opType;
    if (node.domain !== '' && node.domain !== 'ai.onnx') {
      problems.add(node, [`an operator of domain ${quoteClipped(node.domain)}, outside the ONNX standard`]);
      poison(node);
      continue;
    }
    const ins = node.input.map((name) => (name === '' ? undefined : values.get(name)));
    const missing = node.input.filter((name, i) => name !== '' && ins[i] === undefined);
    if (missing.length) {
      problems.add(node, [`it reads ${missing.map((m) => quoteClipped(m, 40)).join(', ')}, which nothing before it in the graph computes`]);
      poison(node);
      continue;
    }
    const unreadable = node.input.filter((name) => badInitializers.has(name));
    if (unreadable.length) {
      problems.add(node, unreadable.map((name) => `its input ${quoteClipped(name, 40)} cannot be read: ${badInitializers.get(name)}`));
      poison(node);
      continue;
    }
    const poisoned = ins.some((v) => v?.kind === 'poison');
    const dataAt = ins.flatMap((v, i) => (v?.kind === 'data' ? [i] : []));
    const consts = ins.map((v) => (v?.kind === 'const' ? v.c : undefined));
    const attr = (name: string) => node.attribute.find((a) => a.name === name);

    if (dataAt.length === 0 || (op === 'Shape' && dataAt.length === 1)) {
      if (poisoned) {
        poison(node);
        continue;
      }
      try {
        let outs: Const[];
        if (op === 'Shape') {
          const flow = (ins[0] as { flow: Flow }).flow;
          const s = flow.shape;
          if (!s) {
            poison(node);
            continue;
          }
          const dims = flow.form === 'flat' ? [batch, s.c * s.h * s.w] : [batch, s.c, s.h, s.w];
          // Shape reads only the dimensions: the data's, with the batch T as its first.
          outs = foldNode('Shape', [{ dims, dataType: 1, values: new Float64Array(0) }], { opset: model.opset, attr });
        } else if (FOLDABLE.has(op)) {
          outs = foldNode(op, consts, { opset: model.opset, attr });
        } else {
          throw new FoldError(`it computes ${op} on constants only, which cnnc does not fold`);
        }
        outs.forEach((c, i) => node.output[i] && values.set(node.output[i], { kind: 'const', c }));
        folded.push(op);
      } catch (e) {
        if (!(e instanceof FoldError)) throw e;
        problems.add(node, [`it cannot be folded into a constant: ${e.message}`]);
        poison(node);
      }
      continue;
    }

    const reasons: string[] = [];
    const first = ins[dataAt[0]] as { kind: 'data'; flow: Flow; seq: number };
    let flow = first.flow;
    if (dataAt.length > 1) {
      reasons.push(`it combines ${dataAt.length} tensors the network computes (${dataAt.map((i) => quoteClipped(node.input[i], 40)).join(', ')}): cnnc networks are one chain of layers, without branches or skip connections`);
    } else if (first.seq !== seq) {
      reasons.push(`it reads ${quoteClipped(node.input[dataAt[0]], 40)}, which a later node replaced: cnnc networks are one chain of layers, without branches`);
    }
    if (dataAt[0] !== 0 && op !== 'Add') reasons.push(`its input ${dataAt[0]} is the network's tensor and its input 0 a constant`);
    if (flow.edit && !CARRY_EDIT.has(op)) {
      reportEdit(flow.edit, describeNode(node));
      flow = { ...flow, edit: null };
    }
    const handler = HANDLERS[op];
    let out: Flow;
    if (reasons.length) {
      out = { shape: null, form: flow.form, edit: null, layer: null };
    } else if (!handler) {
      reasons.push(`${op} has no cnnc equivalent${WHY_NOT[op] ? ` (${WHY_NOT[op]})` : ''}`);
      out = { shape: ELEMENTWISE.has(op) ? flow.shape : null, form: flow.form, edit: null, layer: null };
    } else {
      const ctx: OpContext = {
        node, opset: model.opset, batch, flow, consts, poisoned, attr, reasons, layers,
        used: (t) => used.has(t),
        initName: (i) => (initializers.has(node.input[i]) ? node.input[i] : undefined),
      };
      const before = layers.length;
      out = handler(ctx);
      // A refused node's output shape is a guess: later nodes are checked without it.
      if (reasons.length) out = { ...out, shape: null };
      if (layers.length > before && node.name) layers[layers.length - 1].hints.push(`n:${node.name}`);
      if (op === 'Dropout' || op === 'Identity') dropped.push(node);
    }
    problems.add(node, reasons);
    seq++;
    node.output.forEach((o, i) => o && values.set(o, i === 0 ? { kind: 'data', flow: out, seq } : { kind: 'poison' }));
  }

  // The graph's one output must be the chain's last tensor.
  if (g.output.length !== 1) {
    problems.graph.push(`the graph has ${g.output.length} outputs (${g.output.map((o) => quoteClipped(o.name, 40)).join(', ')}); a cnnc network has one`);
  } else {
    const o = values.get(g.output[0].name);
    if (o?.kind === 'const') problems.graph.push(`the graph's output ${quoteClipped(g.output[0].name)} is a constant`);
    else if (o?.kind === 'data') {
      if (o.seq !== seq) problems.graph.push(`the graph's output ${quoteClipped(g.output[0].name)} is not the last tensor the network computes`);
      if (o.flow.edit) reportEdit(o.flow.edit, 'the graph\'s output');
      const declared = g.output[0].dims?.slice(1);
      const s = o.flow.shape;
      if (s && declared && declared.length > 0 && declared.every((d) => typeof d === 'number') && problems.count === 0) {
        const mine = declared.length === 1 ? [s.c * s.h * s.w] : [s.c, s.h, s.w];
        if (declared.length !== mine.length || declared.some((d, i) => d !== mine[i])) {
          problems.graph.push(`the graph declares its output as [N, ${declared.join(', ')}], but the layers make [N, ${mine.join(', ')}]`);
        }
      }
    }
  }
  if (layers.length === 0 && problems.count === 0) {
    problems.graph.push(`the graph computes no cnnc layer (only ${[...new Set(g.node.map((n) => n.opType))].join(', ') || 'no node'}); a network needs at least one`);
  }
  if (problems.count) throw new OnnxImportError(file, problems.lines());
  return finish(model, file, options, input.flow, batch, layers, dropped, folded);
}

/** The network's name: the option, else the graph's name, else the file's. */
function networkName(model: OnnxModel, file: string, option: string | undefined): string {
  if (option !== undefined) return option;
  const base = file.replace(/^.*[\\/]/, '').replace(/\.[^.]*$/, '');
  return sanitizeName(model.graph.name, 'net') ?? sanitizeName(base, 'net') ?? 'imported';
}

/** Prints, formats and checks the source, and builds and checks the weights. */
function finish(
  model: OnnxModel, file: string, options: ImportOptions, input: Flow, batch: number,
  layers: PendingLayer[], dropped: OnnxNode[], folded: string[],
): ImportedNetwork {
  const names = assignNames(layers);
  const shape = input.shape!;
  const base = file.replace(/^.*[\\/]/, '');
  const producer = [model.producerName, model.producerVersion].filter(Boolean).join(' ');
  const header = [`# Imported by cnnc import from ${base}${producer ? `, written by ${producer}` : ''} (ONNX IR ${model.irVersion}, opset ${model.opset}).`];
  if (dropped.length) header.push(`# Dropped (identities at inference): ${dropped.map(nodeLabel).join(', ')}.`);
  if (folded.length) header.push(`# Folded into constants: ${folded.length} node${folded.length === 1 ? '' : 's'} (${[...new Set(folded)].join(', ')}).`);
  const lines = [
    ...header.map(commentText),
    `network ${networkName(model, file, options.name)} {`,
    `  input shape=${shape.c}x${shape.h}x${shape.w} batch=${batch}`,
    ...layers.map((l, i) => {
      const parts = [l.op, ...(names[i] ? [names[i]] : []), ...l.options.map(([k, v]) => `${k}=${v}`)];
      return `  ${parts.join(' ')}  # ${commentText(l.nodes.map(nodeLabel).join(', '))}`;
    }),
    '}',
  ];
  const formatted = formatSource(`${lines.join('\n')}\n`);
  if (!formatted.ok) throw new Error(`cnnc import printed a source with syntax errors: ${formatted.diagnostics.map((d) => d.message).join('; ')}`);
  const source = formatted.text;
  const checked = checkSource(source, base.replace(/\.onnx$/i, '') + '.cnn');
  const firstLayerLine = header.length + 3; // 1-based: the header, `network`, `input`
  const layerAt = (line: number) => layers[line - firstLayerLine];
  const problems = new Problems();
  const notes: string[] = [];
  for (const d of checked.diagnostics) {
    const l = layerAt(d.loc.line);
    const text = `${d.message} [${d.code}]`;
    if (d.severity === 'warning') notes.push(`warning: ${text}`);
    else if (l) problems.add(l.nodes[l.nodes.length - 1], [`the imported layer is refused: ${text}`]);
    else problems.graph.push(`the imported network is refused: ${text}`);
  }
  if (!checked.model) throw new OnnxImportError(file, problems.lines());
  const network = checked.model.networks[0];
  network.layers.forEach((l, i) => {
    const s = layers[i].shape;
    if (!s || s.c !== l.output.c || s.h !== l.output.h || s.w !== l.output.w) {
      throw new Error(`cnnc import: layer ${l.name} makes ${l.output.c}x${l.output.h}x${l.output.w} in cnnc, ${s ? `${s.c}x${s.h}x${s.w}` : 'an unknown shape'} in ONNX`);
    }
  });
  const weights = emptyWeights();
  network.layers.forEach((l, i) => {
    if (l.params.length === 0) return;
    const t = layerEntry(weights, l.name);
    for (const [key, values] of layers[i].tensors) put(t, key, Float64Array.from(values));
  });
  for (const p of weightProblems(network, weights)) {
    const l = network.layers.find((x) => p.startsWith(`layer ${x.name},`) || p.startsWith(`layer ${JSON.stringify(x.name)},`));
    const pending = l && layers[l.index];
    if (pending) problems.add(pending.nodes[pending.nodes.length - 1], [`its weights cannot be stored: ${p}`]);
    else problems.graph.push(`the weights cannot be stored: ${p}`);
  }
  if (problems.count) throw new OnnxImportError(file, problems.lines());
  if (dropped.length) notes.unshift(`dropped ${dropped.map(nodeLabel).join(', ')} (identities at inference)`);
  return { source, network, weights, notes };
}
