// One handler per ONNX op the importer reads (src/onnx/import.ts drives them over the graph):
// each checks that the node says only what a cnnc layer says, appends the layer (or changes
// the one before it, or nothing: Flatten, Identity, Dropout), and returns the tensor it
// makes. What the language cannot say is pushed to `ctx.reasons` in words, and the handler
// still returns the output's shape where it can, so that later nodes are checked too.
import type { Op, ParamKey, Shape3 } from '../model/checked.js';
import type { OnnxAttribute, OnnxNode } from './decode.js';
import { normAxis, sliceParams, sliceRange, FoldError, type Const } from './fold.js';

/**
 * Padding and cropping waiting for the next node: exporters write an anchor outside the
 * window as a Slice (a crop) before the Conv, and may write pads as a Pad node. `net` is
 * the rows/columns added (negative: removed) on each side, top, left, bottom, right.
 */
export interface Edit {
  nodes: OnnxNode[];
  net: [number, number, number, number];
  /** What the added cells hold; null while nothing was added. */
  fill: string | null;
  /** Why the edits cannot be one conv padding (a side padded after it was cropped, mixed fills). */
  bad: string | null;
}

/** The network's tensor after a node: its cnnc shape and its ONNX form. */
export interface Flow {
  /** One sample's C×H×W as cnnc sees it; null when an earlier refusal left it unknown. */
  shape: Shape3 | null;
  /** '4d' is [N, C, H, W]; 'flat' is [N, C·H·W], the same numbers in the same order. */
  form: '4d' | 'flat';
  edit: Edit | null;
  /** The layer whose output this is, directly (a bias Add may still join it). */
  layer: number | null;
}

export interface PendingLayer {
  op: Op;
  options: [string, string][];
  tensors: [ParamKey, Float64Array][];
  nodes: OnnxNode[];
  /** Candidate names, best first: `w:` a weight's stored name, `n:` a node's name. */
  hints: string[];
  shape: Shape3 | null;
}

export interface OpContext {
  node: OnnxNode;
  opset: number;
  batch: number;
  flow: Flow;
  /** Per input position: the constant there; undefined when absent, data, or not computable. */
  consts: (Const | undefined)[];
  /** An input could not be computed because of an earlier problem: say nothing more about it. */
  poisoned: boolean;
  attr(name: string): OnnxAttribute | undefined;
  reasons: string[];
  layers: PendingLayer[];
  /** Whether a tensor is read by a node or is a graph output. */
  used(tensor: string): boolean;
  /** The stored name of input `index` (an initializer), for the layer's name. */
  initName(index: number): string | undefined;
}

export type Handler = (ctx: OpContext) => Flow;

const dimsText = (d: readonly number[]) => `[${d.join(', ')}]`;
const shapeText = (s: Shape3) => `${s.c}x${s.h}x${s.w}`;
const floorDiv = (a: number, b: number) => Math.floor(a / b);
const ceilDiv = (a: number, b: number) => Math.ceil(a / b);

function intsAttr(ctx: OpContext, name: string): number[] | undefined {
  return ctx.attr(name)?.ints;
}
function intAttr(ctx: OpContext, name: string, dflt: number): number {
  return ctx.attr(name)?.i ?? dflt;
}
function stringAttr(ctx: OpContext, name: string, dflt: string): string {
  return ctx.attr(name)?.s ?? dflt;
}

/** The shortest decimal that reads back as the same float32 (an attribute's 1e-5, not 9.99999974738e-6). */
export function shortestFloat32(x: number): number {
  for (let p = 1; p <= 9; p++) {
    const v = Number(x.toPrecision(p));
    if (Math.fround(v) === Math.fround(x)) return v;
  }
  return x;
}

/** A constant input the op needs stored; says why when it is not (unless an earlier problem explains it). */
function needConst(ctx: OpContext, index: number, what: string): Const | undefined {
  const c = ctx.consts[index];
  if (!c && !ctx.poisoned) {
    const name = ctx.node.input[index];
    ctx.reasons.push(name ? `its ${what} (${JSON.stringify(name)}) is computed by the graph, not stored as a constant` : `it has no ${what}`);
  }
  return c;
}

function addLayer(ctx: OpContext, layer: Omit<PendingLayer, 'nodes'>, form: Flow['form']): Flow {
  ctx.layers.push({ ...layer, nodes: [ctx.node] });
  return { shape: layer.shape, form, edit: null, layer: ctx.layers.length - 1 };
}

const weightHint = (ctx: OpContext, index: number): string[] => {
  const n = ctx.initName(index);
  return n === undefined ? [] : [`w:${n}`];
};

// ---- conv ----

function convPadsOf(ctx: OpContext, M: number, N: number): [number, number, number, number] {
  const autoPad = stringAttr(ctx, 'auto_pad', 'NOTSET');
  if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
    // Stride 1: the total padding is the kernel size - 1; the odd one goes last (UPPER) or first.
    const split = (k: number) => (autoPad === 'SAME_UPPER' ? Math.floor((k - 1) / 2) : Math.ceil((k - 1) / 2));
    return [split(M), split(N), M - 1 - split(M), N - 1 - split(N)];
  }
  if (autoPad === 'VALID') return [0, 0, 0, 0];
  const p = intsAttr(ctx, 'pads') ?? [0, 0, 0, 0];
  return [p[0] ?? 0, p[1] ?? 0, p[2] ?? 0, p[3] ?? 0];
}

const conv: Handler = (ctx) => {
  const { flow, reasons } = ctx;
  const w = needConst(ctx, 1, 'weight W');
  if (flow.form !== '4d') reasons.push('its input is 2-D; cnnc convolutions take N×C×H×W maps');
  if (w && w.dims.length !== 4) reasons.push(`its weights have ${w.dims.length} dimensions ${dimsText(w.dims)}: only 2-D convolutions (4-D weights) have a cnnc equivalent`);
  const group = intAttr(ctx, 'group', 1);
  if (group !== 1) reasons.push(`group=${group} (a grouped or depthwise convolution): every cnnc conv output reads all input channels`);
  const strides = intsAttr(ctx, 'strides') ?? [1, 1];
  if (strides.some((s) => s !== 1)) reasons.push(`stride ${strides.join('x')}: cnnc convolutions have stride 1`);
  const dilations = intsAttr(ctx, 'dilations') ?? [1, 1];
  if (dilations.some((d) => d !== 1)) reasons.push(`dilation ${dilations.join('x')}: cnnc kernels are dense`);
  if (!w || w.dims.length !== 4) return { shape: null, form: '4d', edit: null, layer: null };
  const [out, cin, M, N] = w.dims;
  const ks = intsAttr(ctx, 'kernel_shape');
  if (ks && (ks[0] !== M || ks[1] !== N)) reasons.push(`kernel_shape ${ks.join('x')} differs from its weights' ${M}x${N}`);
  const shape = flow.shape;
  if (shape && shape.c !== cin) reasons.push(`its weights read ${cin} channels, its input has ${shape.c}`);
  const outShape = shape && { c: out, h: shape.h, w: shape.w };

  // The conv's own pads come after any Slice/Pad before it; together they must keep the map's size.
  const edit = flow.edit ?? { nodes: [], net: [0, 0, 0, 0], fill: null, bad: null };
  const via = edit.nodes.length ? ` (with the ${edit.nodes.map((n) => n.opType).join(' and ')} before it)` : '';
  const pads = convPadsOf(ctx, M, N);
  if (pads.some((p) => p < 0)) reasons.push(`negative pads ${pads.join(',')}`);
  const net = edit.net.map((v, i) => v + pads[i]) as [number, number, number, number];
  if (edit.bad) reasons.push(edit.bad);
  else if (edit.fill !== null && edit.fill !== 'zeros') reasons.push(`the Pad before it fills with ${edit.fill}: cnnc convolutions read 0 off the map`);
  else if (pads.some((p, i) => p > 0 && edit.net[i] < 0)) reasons.push('it pads a side that the Slice before it cropped: the cropped rows would read as zeros, which no anchor says');
  else if (net[0] + net[2] !== M - 1 || net[1] + net[3] !== N - 1) {
    const size = shape ? `: the output is ${shape.h + net[0] + net[2] - M + 1}x${shape.w + net[1] + net[3] - N + 1}, not the input's ${shape.h}x${shape.w}` : '';
    const what = net.every((v) => v === 0) ? 'no padding ("valid")' : `pads top ${net[0]}, left ${net[1]}, bottom ${net[2]}, right ${net[3]}${via}`;
    reasons.push(`${what}${size}; cnnc convolutions keep the map size (a ${M}x${N} kernel needs top+bottom = ${M - 1} and left+right = ${N - 1})`);
  }
  const options: [string, string][] = [['out', String(out)], ['kernel', `${M}x${N}`]];
  const [m, n] = [net[0], net[1]];
  if (m !== Math.floor((M - 1) / 2) || n !== Math.floor((N - 1) / 2)) options.push(['anchor', `(${m},${n})`]);
  const tensors: [ParamKey, Float64Array][] = [['w', w.values]];
  const b = ctx.node.input[2] ? needConst(ctx, 2, 'bias B') : undefined;
  if (b) {
    if (b.values.length !== out) reasons.push(`its bias has ${b.values.length} values for ${out} output channels`);
    options.push(['bias', 'true']);
    tensors.push(['b', b.values]);
  }
  const flowOut = addLayer(ctx, { op: 'conv', options, tensors, hints: [...weightHint(ctx, 1)], shape: outShape }, '4d');
  ctx.layers[ctx.layers.length - 1].nodes.unshift(...edit.nodes);
  return flowOut;
};

// ---- pool ----

/** cnnc's output size along one axis for a pool (docs/operations.md), or null where it has none. */
function cnncPoolSize(n: number, k: number, s: number, round: 'floor' | 'ceil'): number | null {
  if (round === 'floor') return n >= k ? floorDiv(n - k, s) + 1 : null;
  if (n < k) return 1;
  const r = ceilDiv(n - k, s) + 1;
  return (r - 1) * s >= n ? r - 1 : r;
}

const maxPool: Handler = (ctx) => {
  const { flow, reasons } = ctx;
  const ks = intsAttr(ctx, 'kernel_shape') ?? [];
  if (flow.form !== '4d' || ks.length !== 2) {
    reasons.push(`a ${ks.length}-D pool${flow.form !== '4d' ? ' of a 2-D tensor' : ''}: cnnc pools are 2-D, over N×C×H×W maps`);
    return { shape: null, form: '4d', edit: null, layer: null };
  }
  const [kh, kw] = ks;
  const [sh, sw] = intsAttr(ctx, 'strides') ?? [1, 1];
  const dilations = intsAttr(ctx, 'dilations') ?? [1, 1];
  if (dilations.some((d) => d !== 1)) reasons.push(`dilation ${dilations.join('x')}: cnnc pools are dense`);
  const autoPad = stringAttr(ctx, 'auto_pad', 'NOTSET');
  if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') reasons.push(`auto_pad=${autoPad} pads the map on every side: cnnc pools start on the map's first row and column`);
  const pads = autoPad === 'NOTSET' ? intsAttr(ctx, 'pads') ?? [0, 0, 0, 0] : [0, 0, 0, 0];
  const ceil = intAttr(ctx, 'ceil_mode', 0) === 1;
  if (ctx.node.output[1] && ctx.used(ctx.node.output[1])) reasons.push('its Indices output is used: cnnc pools hand no indices to later layers');
  if (pads[0] || pads[1]) {
    reasons.push(`pads top ${pads[0]} and left ${pads[1]}: cnnc pools start on the map's first row and column and read no padding (only bottom/right pads that match round=ceil are read)`);
  }
  const shape = flow.shape;
  let round: 'floor' | 'ceil' = 'floor';
  let outShape: Shape3 | null = null;
  if (shape) {
    // ONNX's size along an axis: pads bottom/right only (never winning a max) and ceil_mode,
    // whose last window is dropped when it would start in the padding.
    const onnxSize = (n: number, k: number, s: number, pad: number) => {
      if (n + pad < k) return null;
      if (!ceil) return floorDiv(n + pad - k, s) + 1;
      const r = ceilDiv(n + pad - k, s) + 1;
      return (r - 1) * s >= n ? r - 1 : r;
    };
    const oh = onnxSize(shape.h, kh, sh, pads[2] ?? 0);
    const ow = onnxSize(shape.w, kw, sw, pads[3] ?? 0);
    const fits = (r: 'floor' | 'ceil') => oh === cnncPoolSize(shape.h, kh, sh, r) && ow === cnncPoolSize(shape.w, kw, sw, r);
    if (oh === null || ow === null) reasons.push(`a ${kh}x${kw} pool is larger than the ${shape.h}x${shape.w} map it receives`);
    else if (fits('floor')) round = 'floor';
    else if (fits('ceil')) round = 'ceil';
    else {
      const f = `${cnncPoolSize(shape.h, kh, sh, 'floor') ?? '-'}x${cnncPoolSize(shape.w, kw, sw, 'floor') ?? '-'}`;
      const c = `${cnncPoolSize(shape.h, kh, sh, 'ceil')}x${cnncPoolSize(shape.w, kw, sw, 'ceil')}`;
      reasons.push(`pads bottom ${pads[2] ?? 0} and right ${pads[3] ?? 0}${ceil ? ' with ceil_mode' : ''} give a ${oh}x${ow} output from ${shape.h}x${shape.w}; cnnc's round=floor gives ${f} and round=ceil ${c}`);
    }
    if (oh !== null && ow !== null) outShape = { c: shape.c, h: oh, w: ow };
  }
  const options: [string, string][] = [['size', `${kh}x${kw}`]];
  if (sh !== kh || sw !== kw) options.push(['stride', `${sh}x${sw}`]);
  if (round === 'ceil') options.push(['round', 'ceil']);
  return addLayer(ctx, { op: 'pool', options, tensors: [], hints: [], shape: outShape }, '4d');
};

// ---- bn ----

const batchNorm: Handler = (ctx) => {
  const { flow, reasons, node } = ctx;
  const gamma = needConst(ctx, 1, 'scale');
  const beta = needConst(ctx, 2, 'bias B');
  const mean = needConst(ctx, 3, 'mean');
  const variance = needConst(ctx, 4, 'variance');
  if (intAttr(ctx, 'training_mode', 0) === 1) reasons.push('training_mode=1 normalises with the batch\'s statistics at inference');
  if (ctx.opset < 7 && intAttr(ctx, 'is_test', 0) === 0) reasons.push('is_test=0 (training mode) normalises with the batch\'s statistics');
  if (intAttr(ctx, 'spatial', 1) === 0) reasons.push('spatial=0');
  if (node.output.slice(1).some((o) => o && ctx.used(o))) reasons.push('its running-statistics outputs are used (training mode)');
  const shape = flow.shape;
  // [N, C, H, W] is normalised per channel; a flattened [N, C·H·W] per element, which is
  // cnnc's per-position mode (or per channel when H = W = 1, the same thing).
  const mode = flow.form === 'flat' && shape && (shape.h !== 1 || shape.w !== 1) ? 'position' : 'channel';
  const n = shape ? (mode === 'position' ? shape.c * shape.h * shape.w : shape.c) : null;
  for (const [what, t] of [['scale', gamma], ['bias B', beta], ['mean', mean], ['variance', variance]] as const) {
    if (t && n !== null && t.values.length !== n) reasons.push(`its ${what} has ${t.values.length} values for ${n} ${mode === 'position' ? 'positions' : 'channels'}`);
  }
  if (variance && variance.values.some((v) => v < 0)) reasons.push('its running variance has a negative value');
  const eps = shortestFloat32(ctx.attr('epsilon')?.f ?? 1e-5);
  if (!(eps > 0)) reasons.push(`epsilon ${eps}: cnnc's bn eps must be above 0`);
  // ONNX's momentum weighs the old running value, cnnc's (and PyTorch's) the new statistic.
  const momentum = Number((1 - shortestFloat32(ctx.attr('momentum')?.f ?? 0.9)).toPrecision(12));
  const options: [string, string][] = [];
  if (eps !== 1e-5) options.push(['eps', String(eps)]);
  if (momentum !== 0.1 && momentum >= 0 && momentum <= 1) options.push(['momentum', String(momentum)]);
  options.push(['mode', mode]);
  const tensors: [ParamKey, Float64Array][] = [];
  if (gamma && beta && mean && variance) tensors.push(['gamma', gamma.values], ['beta', beta.values], ['runningMean', mean.values], ['runningVar', variance.values]);
  return addLayer(ctx, { op: 'bn', options, tensors, hints: weightHint(ctx, 1), shape }, flow.form);
};

// ---- full ----

function full(ctx: OpContext, w: Float64Array, out: number, K: number, bias: Const | undefined): Flow {
  const shape = ctx.flow.shape;
  if (shape && shape.c * shape.h * shape.w !== K) ctx.reasons.push(`its weights read ${K} inputs, its input has ${shape.c * shape.h * shape.w} (${shapeText(shape)})`);
  const options: [string, string][] = [['out', String(out)]];
  const tensors: [ParamKey, Float64Array][] = [['w', w]];
  if (bias) {
    options.push(['bias', 'true']);
    tensors.push(['b', bias.values]);
  }
  return addLayer(ctx, { op: 'full', options, tensors, hints: weightHint(ctx, 1), shape: { c: out, h: 1, w: 1 } }, 'flat');
}

/** Transposes a K×out row-major matrix into out×K (cnnc's w[k][k']). */
function transpose(values: Float64Array, rows: number, cols: number): Float64Array {
  const t = new Float64Array(values.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) t[c * rows + r] = values[r * cols + c];
  return t;
}

/** A bias of `out` values: shaped [out], [1, out] or broadcast from one value. */
function biasValues(c: Const, out: number): Const | null {
  const n = c.values.length;
  if (n === out && c.dims.filter((d) => d !== 1).length <= 1 && c.dims.length <= 2) return c;
  if (n === 1 && c.dims.length <= 2) return { dims: [out], dataType: c.dataType, values: new Float64Array(out).fill(c.values[0]) };
  return null;
}

const gemm: Handler = (ctx) => {
  const { flow, reasons } = ctx;
  if (flow.form !== 'flat') reasons.push('its input A is 4-D (ONNX Gemm reads 2-D; a Flatten should come first)');
  if (intAttr(ctx, 'transA', 0) !== 0) reasons.push('transA=1 (the batch would be read as features)');
  const alpha = ctx.attr('alpha')?.f ?? 1;
  const beta = ctx.attr('beta')?.f ?? 1;
  if (alpha !== 1) reasons.push(`alpha=${shortestFloat32(alpha)}: a cnnc full layer does not scale its product`);
  const B = needConst(ctx, 1, 'weight B');
  if (!B) return { shape: null, form: 'flat', edit: null, layer: null };
  if (B.dims.length !== 2) {
    reasons.push(`its weight B has dimensions ${dimsText(B.dims)}, not 2`);
    return { shape: null, form: 'flat', edit: null, layer: null };
  }
  const transB = intAttr(ctx, 'transB', 0) === 1;
  const [out, K] = transB ? B.dims : [B.dims[1], B.dims[0]];
  const w = transB ? B.values : transpose(B.values, K, out);
  let bias: Const | undefined;
  if (ctx.node.input[2]) {
    const C = needConst(ctx, 2, 'bias C');
    if (C) {
      if (beta !== 1) reasons.push(`beta=${shortestFloat32(beta)}: a cnnc full layer adds its bias unscaled`);
      const b = biasValues(C, out);
      if (!b) reasons.push(`its bias C has dimensions ${dimsText(C.dims)}: cnnc adds one bias per output (${out})`);
      else bias = b;
    }
  }
  return full(ctx, w, out, K, bias);
};

const matMul: Handler = (ctx) => {
  const { flow, reasons } = ctx;
  if (flow.form !== 'flat') reasons.push('its input is 4-D: MatMul then multiplies every row of every map, which no cnnc layer does (a Flatten should come first)');
  const B = needConst(ctx, 1, 'weight B');
  if (!B) return { shape: null, form: 'flat', edit: null, layer: null };
  if (B.dims.length !== 2) {
    reasons.push(`its weight B has dimensions ${dimsText(B.dims)}, not 2`);
    return { shape: null, form: 'flat', edit: null, layer: null };
  }
  const [K, out] = B.dims;
  return full(ctx, transpose(B.values, K, out), out, K, undefined);
};

/** Add of a constant right after a full (MatMul + Add) or an unbiased conv: that layer's bias. */
const add: Handler = (ctx) => {
  const { flow, reasons } = ctx;
  const dataAt = ctx.consts[0] === undefined ? 0 : 1;
  const c = ctx.consts[1 - dataAt];
  const layer = flow.layer === null ? undefined : ctx.layers[flow.layer];
  const biased = layer?.tensors.some(([k]) => k === 'b');
  if (!c) {
    if (!ctx.poisoned) reasons.push('it adds a computed tensor');
    return { ...flow, layer: null };
  }
  const out = layer?.shape?.c ?? 0;
  const perChannel = layer?.op === 'conv' && c.values.length === out && c.dims.length >= 3 && c.dims.slice(-2).every((d) => d === 1) && c.dims.slice(0, -3).every((d) => d === 1);
  const perOutput = layer?.op === 'full' && biasValues(c, out) !== null;
  if (layer && !biased && (perOutput || perChannel)) {
    layer.options.push(['bias', 'true']);
    layer.tensors.push(['b', perOutput ? biasValues(c, out)!.values : c.values]);
    layer.nodes.push(ctx.node);
    return flow;
  }
  reasons.push(`it adds a constant of dimensions ${dimsText(c.dims)}: cnnc adds constants only as the bias of a full or conv layer, right after it, one value per output`);
  return { ...flow, layer: null };
};

// ---- ops that only change the tensor's form ----

const relu: Handler = (ctx) => addLayer(ctx, { op: 'relu', options: [], tensors: [], hints: [], shape: ctx.flow.shape }, ctx.flow.form);

const softmax: Handler = (ctx) => {
  const { flow, reasons } = ctx;
  const rank = flow.form === 'flat' ? 2 : 4;
  const dflt = ctx.opset >= 13 ? -1 : 1;
  let axis: number;
  try {
    axis = normAxis(intAttr(ctx, 'axis', dflt), rank);
  } catch (e) {
    reasons.push((e as Error).message);
    return { ...flow, layer: null };
  }
  const shape = flow.shape;
  const block = shape && shape.h === 1 && shape.w === 1;
  if (axis !== 1) reasons.push(`axis ${axis} of a ${rank}-D tensor: cnnc's softmax is over the channels (axis 1)`);
  else if (shape && !block) reasons.push(`its input is ${shapeText(shape)}: cnnc's softmax takes a Kx1x1 block (one row of K numbers per sample)`);
  return addLayer(ctx, { op: 'softmax', options: [], tensors: [], hints: [], shape }, flow.form);
};

const passThrough: Handler = (ctx) => {
  if (ctx.node.opType === 'Dropout') {
    if (ctx.node.output[1] && ctx.used(ctx.node.output[1])) ctx.reasons.push('its mask output is used');
    const training = ctx.consts[2];
    if (training && training.values[0]) ctx.reasons.push('training_mode is true: it drops values at inference');
  }
  return { ...ctx.flow, layer: ctx.node.opType === 'Identity' || ctx.node.opType === 'Dropout' ? ctx.flow.layer : null };
};

/** The data's ONNX dimensions (batch first). */
const onnxDims = (ctx: OpContext, s: Shape3): number[] => (ctx.flow.form === 'flat' ? [ctx.batch, s.c * s.h * s.w] : [ctx.batch, s.c, s.h, s.w]);

/** A change of form only: [N, C·H·W] ↔ [N, C, H, W] of the same shape. */
function reform(ctx: OpContext, dims: number[], what: string): Flow {
  const s = ctx.flow.shape;
  if (!s) return { ...ctx.flow, layer: null };
  const K = s.c * s.h * s.w;
  if (dims[0] !== ctx.batch) {
    ctx.reasons.push(`${what} ${dimsText(dims)} for a batch of ${ctx.batch}: the batch must stay the first dimension`);
  } else if (dims.length === 2 && dims[1] === K) {
    return { ...ctx.flow, form: 'flat', layer: null };
  } else if (dims.length === 4 && dims[1] === s.c && dims[2] === s.h && dims[3] === s.w) {
    return { ...ctx.flow, form: '4d', layer: null };
  } else {
    ctx.reasons.push(`${what} ${dimsText(dims)} from ${dimsText(onnxDims(ctx, s))}: only [N, ${K}] and [N, ${s.c}, ${s.h}, ${s.w}] keep cnnc's ${shapeText(s)} block (cnnc has no reshape; a full layer flattens by itself)`);
  }
  return { shape: null, form: dims.length === 2 ? 'flat' : '4d', edit: null, layer: null };
}

const flatten: Handler = (ctx) => {
  const rank = ctx.flow.form === 'flat' ? 2 : 4;
  const axis = intAttr(ctx, 'axis', 1);
  if (axis !== 1 && axis !== 1 - rank) {
    ctx.reasons.push(`axis ${axis}: only Flatten at axis 1 (the batch kept) has a cnnc equivalent`);
    return { shape: null, form: 'flat', edit: null, layer: null };
  }
  return { ...ctx.flow, form: 'flat', layer: null };
};

const reshape: Handler = (ctx) => {
  const target = needConst(ctx, 1, 'shape');
  const s = ctx.flow.shape;
  if (!target || !s) return { shape: null, form: '4d', edit: null, layer: null };
  const from = onnxDims(ctx, s);
  const allowZero = intAttr(ctx, 'allowzero', 0) === 1;
  let dims = Array.from(target.values, (d, i) => (d === 0 && !allowZero ? from[i] : d));
  const known = dims.filter((d) => d !== -1).reduce((a, d) => a * d, 1);
  const total = from.reduce((a, d) => a * d, 1);
  dims = dims.map((d) => (d === -1 ? total / known : d));
  return reform(ctx, dims, 'it reshapes to');
};

const unsqueezeOrSqueeze: Handler = (ctx) => {
  const s = ctx.flow.shape;
  if (!s) return { ...ctx.flow, layer: null };
  const from = onnxDims(ctx, s);
  const axes = ctx.opset >= 13 ? (ctx.consts[1] ? Array.from(ctx.consts[1].values) : undefined) : intsAttr(ctx, 'axes');
  try {
    if (ctx.node.opType === 'Unsqueeze') {
      const rank = from.length + (axes?.length ?? 0);
      const at = new Set((axes ?? []).map((a) => normAxis(a, rank)));
      const dims: number[] = [];
      for (let d = 0, k = 0; d < rank; d++) dims.push(at.has(d) ? 1 : from[k++]);
      return reform(ctx, dims, 'it unsqueezes to');
    }
    const drop = new Set(axes ? axes.map((a) => normAxis(a, from.length)) : from.flatMap((d, i) => (d === 1 && i > 0 ? [i] : [])));
    return reform(ctx, from.filter((_, i) => !drop.has(i)), 'it squeezes to');
  } catch (e) {
    ctx.reasons.push((e as Error).message);
    return { shape: null, form: '4d', edit: null, layer: null };
  }
};

// ---- Slice and Pad before a Conv ----

function editOf(ctx: OpContext): Edit {
  const e = ctx.flow.edit;
  return e ? { nodes: [...e.nodes, ctx.node], net: [...e.net], fill: e.fill, bad: e.bad } : { nodes: [ctx.node], net: [0, 0, 0, 0], fill: null, bad: null };
}

const slice: Handler = (ctx) => {
  const s = ctx.flow.shape;
  if (!s) return { ...ctx.flow, layer: null };
  const dims = onnxDims(ctx, s);
  try {
    const p = sliceParams({ opset: ctx.opset, attr: ctx.attr }, ctx.consts, dims.length);
    const edit = editOf(ctx);
    p.axes.forEach((a, i) => {
      const [b, e] = sliceRange(p.starts[i], p.ends[i], dims[a]);
      const whole = b === 0 && e === dims[a];
      if (p.steps[i] !== 1 && !(whole && dims[a] === 1)) throw new FoldError(`step ${p.steps[i]} on axis ${a}: cnnc has no strided crop`);
      if (whole) return;
      if (ctx.flow.form !== '4d' || a < 2) throw new FoldError(`it slices axis ${a} of ${dimsText(dims)}: only rows and columns can be cropped, as the anchor of the conv after it`);
      const side = a - 2; // 0 rows, 1 columns
      edit.net[side] -= b;
      edit.net[side + 2] -= dims[a] - e;
    });
    return { ...ctx.flow, edit, layer: null };
  } catch (e) {
    if (!(e instanceof FoldError)) throw e;
    ctx.reasons.push(e.message);
    return { ...ctx.flow, edit: null, shape: null, layer: null };
  }
};

const pad: Handler = (ctx) => {
  const s = ctx.flow.shape;
  if (!s) return { ...ctx.flow, layer: null };
  const dims = onnxDims(ctx, s);
  const rank = dims.length;
  let pads: number[] | undefined;
  let value = 0;
  let axes = dims.map((_, i) => i);
  if (ctx.opset < 11) {
    pads = intsAttr(ctx, 'pads') ?? intsAttr(ctx, 'paddings');
    value = ctx.attr('value')?.f ?? 0;
  } else {
    pads = needConst(ctx, 1, 'pads') && Array.from(ctx.consts[1]!.values);
    if (ctx.consts[2]) value = ctx.consts[2].values[0] ?? 0;
    if (ctx.consts[3]) axes = Array.from(ctx.consts[3].values, (a) => normAxis(a, rank));
  }
  if (!pads) return { shape: null, form: ctx.flow.form, edit: null, layer: null };
  const mode = stringAttr(ctx, 'mode', 'constant');
  const fill = mode === 'constant' ? (value === 0 ? 'zeros' : value <= -3.4028234663852886e38 ? '-infinity' : `the value ${value}`) : `${mode} padding`;
  const edit = editOf(ctx);
  const n = axes.length;
  if (pads.length !== 2 * n) {
    ctx.reasons.push(`${pads.length} pads for ${n} axes`);
    return { shape: null, form: ctx.flow.form, edit: null, layer: null };
  }
  axes.forEach((a, i) => {
    const [before, after] = [pads![i], pads![i + n]];
    if (!before && !after) return;
    if (ctx.flow.form !== '4d' || a < 2) {
      edit.bad = `the Pad before it pads axis ${a} of ${dimsText(dims)}: only rows and columns can be padded`;
      return;
    }
    const side = a - 2;
    for (const [k, v] of [[side, before], [side + 2, after]] as const) {
      if (v > 0) {
        if (edit.net[k] < 0) edit.bad = 'the Pad before it pads a side that a Slice cropped first: the cropped rows would read as zeros, which no anchor says';
        if (edit.fill !== null && edit.fill !== fill) edit.bad = `the Pads before it fill with both ${edit.fill} and ${fill}`;
        edit.fill = fill;
      }
      edit.net[k] += v;
    }
  });
  return { ...ctx.flow, edit, layer: null };
};

/** Handlers by op type; an op not here has no cnnc equivalent. */
export const HANDLERS: Record<string, Handler> = {
  Conv: conv,
  MaxPool: maxPool,
  BatchNormalization: batchNorm,
  Relu: relu,
  Softmax: softmax,
  Gemm: gemm,
  MatMul: matMul,
  Add: add,
  Flatten: flatten,
  Reshape: reshape,
  Unsqueeze: unsqueezeOrSqueeze,
  Squeeze: unsqueezeOrSqueeze,
  Identity: passThrough,
  Dropout: passThrough,
  Slice: slice,
  Pad: pad,
};

/** Ops that may stand between a Slice/Pad and the Conv that takes them as its padding. */
export const CARRY_EDIT = new Set(['Conv', 'Slice', 'Pad', 'Identity', 'Dropout']);

/** Why common ops have no cnnc equivalent, beyond "no cnnc layer computes it". */
export const WHY_NOT: Record<string, string> = {
  AveragePool: 'cnnc pools take the maximum, never the average',
  GlobalAveragePool: 'cnnc pools take the maximum, never the average',
  GlobalMaxPool: 'cnnc pools have a fixed size (a pool over the whole map is pool size=HxW)',
  LpPool: 'cnnc pools take the maximum',
  Sigmoid: 'cnnc\'s only activation is relu',
  Tanh: 'cnnc\'s only activation is relu',
  LeakyRelu: 'cnnc\'s only activation is relu',
  PRelu: 'cnnc\'s only activation is relu',
  Elu: 'cnnc\'s only activation is relu',
  Selu: 'cnnc\'s only activation is relu',
  Clip: 'cnnc\'s only activation is relu (ReLU6 is a Clip)',
  LogSoftmax: 'cnnc\'s softmax gives probabilities, not their logarithms',
  ConvTranspose: 'cnnc convolutions keep the map size and have no transposed form',
  Concat: 'cnnc networks are one chain of layers',
  Sum: 'cnnc networks are one chain of layers',
  Mul: 'no cnnc layer multiplies by a constant alone (a bn layer is written as BatchNormalization)',
  Sub: 'no cnnc layer subtracts',
  Div: 'no cnnc layer divides',
  LRN: 'cnnc normalises only with bn',
  InstanceNormalization: 'cnnc normalises only with bn (per channel over the batch, or per position)',
  LayerNormalization: 'cnnc normalises only with bn (per channel over the batch, or per position)',
  Transpose: 'cnnc keeps every block in NCHW order',
};
