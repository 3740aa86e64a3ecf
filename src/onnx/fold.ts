// Constant folding for the importer: the shape-only chains exporters leave in a graph
// (Shape → Gather → Unsqueeze → Concat → Reshape for `x.view(x.size(0), -1)`, the
// ConstantOfShape/Concat/Reshape/Slice/Transpose/Cast chain of PyTorch's F.pad, a Transpose
// of a weight) are evaluated here on their constant inputs, so the importer sees only their
// results. A node is folded when every input is a constant (an initializer or a folded
// output); `Shape` also folds on the network's data, whose shape the importer knows (the
// batch dimension is the imported network's batch T). Values are float64; integer types
// keep integer semantics (Div truncates, Cast rounds towards zero).
import { dataTypeName, type OnnxAttribute } from './decode.js';

export interface Const {
  dims: number[];
  dataType: number;
  values: Float64Array;
}

/** Ops this file folds. */
export const FOLDABLE = new Set([
  'Constant', 'Shape', 'Gather', 'Unsqueeze', 'Squeeze', 'Concat', 'Slice', 'Cast', 'Reshape', 'Transpose',
  'Add', 'Sub', 'Mul', 'Div', 'ConstantOfShape', 'Identity', 'Flatten',
]);

/** Tensors larger than this are not made by folding (a "light" model's 100-million-weight layer). */
export const MAX_FOLDED_ELEMENTS = 1 << 24;

/** Why a node could not be folded: the importer reports it against the node. */
export class FoldError extends Error {}

const FLOAT_TYPES = new Set([1, 10, 11, 16]);
const size = (dims: readonly number[]) => dims.reduce((a, d) => a * d, 1);
const stridesOf = (dims: readonly number[]) => {
  const s = new Array<number>(dims.length).fill(1);
  for (let i = dims.length - 2; i >= 0; i--) s[i] = s[i + 1] * dims[i + 1];
  return s;
};

export function makeConst(dims: number[], dataType: number, values: Float64Array): Const {
  const n = size(dims);
  if (n > MAX_FOLDED_ELEMENTS) throw new FoldError(`it would make a tensor of ${n.toLocaleString('en-US')} elements`);
  if (values.length !== n) throw new FoldError(`internal: ${values.length} values for dimensions [${dims.join(', ')}]`);
  return { dims, dataType, values };
}

/** An axis given as -r..r-1, as a non-negative index; FoldError when out of range. */
export function normAxis(axis: number, rank: number, what = 'axis'): number {
  const a = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(a) || a < 0 || a >= rank) throw new FoldError(`${what} ${axis} is outside a tensor of rank ${rank}`);
  return a;
}

export interface FoldContext {
  opset: number;
  attr(name: string): OnnxAttribute | undefined;
}

const ints = (c: Const | undefined, what: string): number[] => {
  if (!c) throw new FoldError(`${what} is missing`);
  return Array.from(c.values);
};

function intAttr(ctx: FoldContext, name: string, dflt: number): number {
  const a = ctx.attr(name);
  return a?.i ?? dflt;
}

/** The axes of Unsqueeze/Squeeze/ReduceX: an attribute before opset 13, an input from 13 on. */
function axesOf(ctx: FoldContext, inputs: (Const | undefined)[], index: number): number[] | undefined {
  if (ctx.opset >= 13) return inputs[index] ? ints(inputs[index], 'axes') : undefined;
  return ctx.attr('axes')?.ints;
}

function castValue(v: number, to: number): number {
  if (to === 9) return v !== 0 ? 1 : 0;
  if (to === 1) return Math.fround(v);
  if (FLOAT_TYPES.has(to)) return v;
  return Math.trunc(v);
}

function broadcast(a: Const, b: Const, f: (x: number, y: number) => number, dataType: number): Const {
  const rank = Math.max(a.dims.length, b.dims.length);
  const pa = [...new Array<number>(rank - a.dims.length).fill(1), ...a.dims];
  const pb = [...new Array<number>(rank - b.dims.length).fill(1), ...b.dims];
  const dims = pa.map((d, i) => {
    if (d === pb[i] || pb[i] === 1) return d;
    if (d === 1) return pb[i];
    throw new FoldError(`cannot broadcast [${a.dims.join(', ')}] with [${b.dims.join(', ')}]`);
  });
  const sa = stridesOf(pa).map((s, i) => (pa[i] === 1 ? 0 : s));
  const sb = stridesOf(pb).map((s, i) => (pb[i] === 1 ? 0 : s));
  const so = stridesOf(dims);
  const n = size(dims);
  const out = new Float64Array(n);
  for (let e = 0; e < n; e++) {
    let ia = 0;
    let ib = 0;
    for (let d = 0, rest = e; d < rank; d++) {
      const k = Math.floor(rest / so[d]);
      rest -= k * so[d];
      ia += k * sa[d];
      ib += k * sb[d];
    }
    out[e] = f(a.values[ia], b.values[ib]);
  }
  return makeConst(dims, dataType, out);
}

/** Gathers along one axis, with `index(e, d)` giving the source coordinate of output axis d. */
function remap(src: Const, dims: number[], coord: (out: number[]) => number[]): Const {
  const so = stridesOf(dims);
  const ss = stridesOf(src.dims);
  const n = size(dims);
  const out = new Float64Array(n);
  const c = new Array<number>(dims.length).fill(0);
  for (let e = 0; e < n; e++) {
    for (let d = 0, rest = e; d < dims.length; d++) {
      c[d] = Math.floor(rest / so[d]);
      rest -= c[d] * so[d];
    }
    const sc = coord(c);
    let at = 0;
    for (let d = 0; d < sc.length; d++) at += sc[d] * ss[d];
    out[e] = src.values[at];
  }
  return makeConst(dims, src.dataType, out);
}

/** The Slice starts/ends/axes/steps of either form (attributes before opset 10, inputs from 10). */
export function sliceParams(ctx: FoldContext, inputs: (Const | undefined)[], rank: number) {
  let starts: number[];
  let ends: number[];
  let axes: number[] | undefined;
  let steps: number[] | undefined;
  if (ctx.opset < 10) {
    starts = ctx.attr('starts')?.ints ?? [];
    ends = ctx.attr('ends')?.ints ?? [];
    axes = ctx.attr('axes')?.ints;
  } else {
    starts = ints(inputs[1], 'starts');
    ends = ints(inputs[2], 'ends');
    axes = inputs[3] ? ints(inputs[3], 'axes') : undefined;
    steps = inputs[4] ? ints(inputs[4], 'steps') : undefined;
  }
  if (ends.length !== starts.length) throw new FoldError(`${starts.length} starts but ${ends.length} ends`);
  const ax = (axes ?? starts.map((_, i) => i)).map((a) => normAxis(a, rank));
  return { starts, ends, axes: ax, steps: steps ?? starts.map(() => 1) };
}

/** [begin, end) of a step-1 slice of an axis of length `dim`, clamped as ONNX does. */
export function sliceRange(start: number, end: number, dim: number): [number, number] {
  const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + dim : v, 0), dim);
  const b = clamp(start);
  return [b, Math.max(b, clamp(end))];
}

/** The outputs of a foldable node from its constant inputs (undefined where an optional input is absent). */
export function foldNode(op: string, inputs: (Const | undefined)[], ctx: FoldContext): Const[] {
  const x = inputs[0];
  const need = (): Const => {
    if (!x) throw new FoldError('its first input is missing');
    return x;
  };
  switch (op) {
    case 'Identity':
      return [need()];
    case 'Constant': {
      const a = ctx.attr('value') ?? ctx.attr('value_float') ?? ctx.attr('value_floats') ?? ctx.attr('value_int') ?? ctx.attr('value_ints');
      if (!a) throw new FoldError('it holds no numeric value (only value, value_float(s) and value_int(s) are read)');
      if (a.t) {
        if (!a.t.values) throw new FoldError(`its tensor cannot be read: ${a.t.problem}`);
        return [makeConst(a.t.dims, a.t.dataType, a.t.values)];
      }
      if (a.name === 'value_float') return [makeConst([], 1, Float64Array.of(a.f ?? 0))];
      if (a.name === 'value_floats') return [makeConst([a.floats?.length ?? 0], 1, Float64Array.from(a.floats ?? []))];
      if (a.name === 'value_int') return [makeConst([], 7, Float64Array.of(a.i ?? 0))];
      return [makeConst([a.ints?.length ?? 0], 7, Float64Array.from(a.ints ?? []))];
    }
    case 'Shape': {
      const t = need();
      const r = t.dims.length;
      const [b, e] = sliceRange(intAttr(ctx, 'start', 0), ctx.attr('end')?.i ?? r, r);
      const dims = t.dims.slice(b, e);
      return [makeConst([dims.length], 7, Float64Array.from(dims))];
    }
    case 'ConstantOfShape': {
      const shape = ints(x, 'shape');
      const v = ctx.attr('value')?.t;
      const fill = v?.values?.[0] ?? 0;
      return [makeConst(shape, v?.dataType ?? 1, new Float64Array(size(shape)).fill(fill))];
    }
    case 'Cast': {
      const t = need();
      const to = intAttr(ctx, 'to', 1);
      if (!(to in { 1: 1, 2: 1, 3: 1, 5: 1, 6: 1, 7: 1, 9: 1, 11: 1, 12: 1, 13: 1 })) throw new FoldError(`a cast to ${dataTypeName(to)} is not folded`);
      return [makeConst(t.dims, to, t.values.map((v) => castValue(v, to)))];
    }
    case 'Reshape':
    case 'Flatten': {
      const t = need();
      let dims: number[];
      if (op === 'Flatten') {
        const axis = normAxis(intAttr(ctx, 'axis', 1), t.dims.length + 1);
        dims = [size(t.dims.slice(0, axis)), size(t.dims.slice(axis))];
      } else {
        dims = ints(inputs[1], 'shape');
        const allowZero = intAttr(ctx, 'allowzero', 0) === 1;
        dims = dims.map((d, i) => (d === 0 && !allowZero ? t.dims[i] : d));
        const known = dims.filter((d) => d !== -1).reduce((a, d) => a * d, 1);
        if (dims.filter((d) => d === -1).length > 1) throw new FoldError('its shape has more than one -1');
        dims = dims.map((d) => (d === -1 ? size(t.dims) / known : d));
      }
      if (size(dims) !== size(t.dims) || dims.some((d) => !Number.isInteger(d) || d < 0)) {
        throw new FoldError(`cannot reshape [${t.dims.join(', ')}] to [${dims.join(', ')}]`);
      }
      return [makeConst(dims, t.dataType, t.values)];
    }
    case 'Unsqueeze': {
      const t = need();
      const axes = axesOf(ctx, inputs, 1) ?? [];
      const rank = t.dims.length + axes.length;
      const at = new Set(axes.map((a) => normAxis(a, rank)));
      const dims: number[] = [];
      for (let d = 0, k = 0; d < rank; d++) dims.push(at.has(d) ? 1 : t.dims[k++]);
      return [makeConst(dims, t.dataType, t.values)];
    }
    case 'Squeeze': {
      const t = need();
      const axes = axesOf(ctx, inputs, 1);
      const drop = new Set(axes ? axes.map((a) => normAxis(a, t.dims.length)) : t.dims.flatMap((d, i) => (d === 1 ? [i] : [])));
      for (const a of drop) if (t.dims[a] !== 1) throw new FoldError(`axis ${a} has size ${t.dims[a]}, not 1`);
      return [makeConst(t.dims.filter((_, i) => !drop.has(i)), t.dataType, t.values)];
    }
    case 'Concat': {
      const parts = inputs.filter((c): c is Const => c !== undefined);
      if (parts.length === 0) throw new FoldError('it has no inputs');
      const rank = parts[0].dims.length;
      const axis = normAxis(intAttr(ctx, 'axis', 0), rank);
      for (const p of parts) {
        if (p.dims.length !== rank || p.dims.some((d, i) => i !== axis && d !== parts[0].dims[i])) {
          throw new FoldError(`cannot concatenate [${parts[0].dims.join(', ')}] and [${p.dims.join(', ')}] on axis ${axis}`);
        }
      }
      const dims = [...parts[0].dims];
      dims[axis] = parts.reduce((a, p) => a + p.dims[axis], 0);
      const outer = size(dims.slice(0, axis));
      const out = new Float64Array(size(dims));
      let o = 0;
      for (let i = 0; i < outer; i++) {
        for (const p of parts) {
          const block = size(p.dims.slice(axis));
          out.set(p.values.subarray(i * block, (i + 1) * block), o);
          o += block;
        }
      }
      return [makeConst(dims, parts[0].dataType, out)];
    }
    case 'Gather': {
      const t = need();
      const idx = inputs[1];
      if (!idx) throw new FoldError('its indices are missing');
      const axis = normAxis(intAttr(ctx, 'axis', 0), t.dims.length);
      const n = t.dims[axis];
      const index = Array.from(idx.values, (v) => (v < 0 ? v + n : v));
      if (index.some((v) => v < 0 || v >= n)) throw new FoldError(`an index is outside axis ${axis} of size ${n}`);
      const dims = [...t.dims.slice(0, axis), ...idx.dims, ...t.dims.slice(axis + 1)];
      const istr = stridesOf(idx.dims);
      return [remap(t, dims, (c) => {
        let k = 0;
        for (let d = 0; d < idx.dims.length; d++) k += c[axis + d] * istr[d];
        return [...c.slice(0, axis), index[k], ...c.slice(axis + idx.dims.length)];
      })];
    }
    case 'Slice': {
      const t = need();
      const p = sliceParams(ctx, inputs, t.dims.length);
      const begin = t.dims.map(() => 0);
      const step = t.dims.map(() => 1);
      const dims = [...t.dims];
      p.axes.forEach((a, i) => {
        const s = p.steps[i];
        const dim = t.dims[a];
        if (s === 0) throw new FoldError('a step is 0');
        if (s > 0) {
          const [b, e] = sliceRange(p.starts[i], p.ends[i], dim);
          begin[a] = b;
          dims[a] = Math.ceil((e - b) / s);
        } else {
          // Negative steps clamp to [-1, dim-1] (the flips of PyTorch's pad chain).
          const clampN = (v: number) => Math.min(Math.max(v < 0 ? v + dim : v, -1), dim - 1);
          const b = clampN(p.starts[i]);
          const e = clampN(p.ends[i]);
          begin[a] = b;
          dims[a] = Math.max(0, Math.ceil((e - b) / s));
        }
        step[a] = s;
      });
      return [remap(t, dims, (c) => c.map((v, d) => begin[d] + v * step[d]))];
    }
    case 'Transpose': {
      const t = need();
      const perm = ctx.attr('perm')?.ints ?? t.dims.map((_, i) => t.dims.length - 1 - i);
      const dims = perm.map((p) => t.dims[p]);
      return [remap(t, dims, (c) => {
        const s = new Array<number>(c.length);
        perm.forEach((p, i) => { s[p] = c[i]; });
        return s;
      })];
    }
    case 'Add': case 'Sub': case 'Mul': case 'Div': {
      const a = need();
      const b = inputs[1];
      if (!b) throw new FoldError('its second input is missing');
      const isFloat = FLOAT_TYPES.has(a.dataType);
      const round = (v: number) => (a.dataType === 1 ? Math.fround(v) : isFloat ? v : Math.trunc(v));
      const f = op === 'Add' ? (p: number, q: number) => round(p + q)
        : op === 'Sub' ? (p: number, q: number) => round(p - q)
          : op === 'Mul' ? (p: number, q: number) => round(p * q)
            : (p: number, q: number) => {
              if (!isFloat && q === 0) throw new FoldError('it divides an integer by 0');
              return round(p / q);
            };
      return [broadcast(a, b, f, a.dataType)];
    }
    default:
      throw new FoldError(`${op} is not folded`);
  }
}
