// Reads ONNX protobuf bytes into plain objects for the importer (src/onnx/import.ts), with the
// messages of schema.ts. Tensors become numbers (Float64Array, which holds every float32,
// int32 and int64 value an importer can use exactly); what cannot be read as numbers here
// (external data files, strings, float16, segments) is kept as a `problem` for the importer
// to report against the node that uses the tensor.
import { ModelProto, TensorProto } from './schema.js';

export interface OnnxTensor {
  name: string;
  dims: number[];
  dataType: number;
  /** The values in row-major order; null when `problem` says why they cannot be read. */
  values: Float64Array | null;
  problem?: string;
}

export interface OnnxAttribute {
  name: string;
  type: number;
  f?: number;
  i?: number;
  s?: string;
  t?: OnnxTensor;
  ints?: number[];
  floats?: number[];
  /** Attributes cnnc never needs (graphs, strings lists, tensors lists, references) count as present. */
  other?: boolean;
}

export interface OnnxNode {
  index: number;
  name: string;
  opType: string;
  domain: string;
  input: string[];
  output: string[];
  attribute: OnnxAttribute[];
}

export interface OnnxValueInfo {
  name: string;
  elemType: number;
  /** One entry per dimension: a number, a symbolic name, or null when unknown; null when the rank is unknown. */
  dims: (number | string | null)[] | null;
}

export interface OnnxGraph {
  name: string;
  node: OnnxNode[];
  initializer: OnnxTensor[];
  input: OnnxValueInfo[];
  output: OnnxValueInfo[];
  valueInfo: OnnxValueInfo[];
  sparseInitializers: number;
}

export interface OnnxModel {
  irVersion: number;
  producerName: string;
  producerVersion: string;
  /** Opset version of the default domain ('' or 'ai.onnx'); 1 when the file names none. */
  opset: number;
  otherDomains: string[];
  functions: number;
  graph: OnnxGraph;
}

/** TensorProto.DataType names, for messages. */
export const DATA_TYPE_NAMES: Record<number, string> = {
  0: 'UNDEFINED', 1: 'FLOAT', 2: 'UINT8', 3: 'INT8', 4: 'UINT16', 5: 'INT16', 6: 'INT32', 7: 'INT64', 8: 'STRING',
  9: 'BOOL', 10: 'FLOAT16', 11: 'DOUBLE', 12: 'UINT32', 13: 'UINT64', 14: 'COMPLEX64', 15: 'COMPLEX128', 16: 'BFLOAT16',
};
export const dataTypeName = (t: number): string => DATA_TYPE_NAMES[t] ?? `type ${t}`;

/** Element readers of raw_data (little-endian, as onnx.proto specifies), by data type. */
const RAW: Record<number, { bytes: number; read: (v: DataView, at: number) => number }> = {
  1: { bytes: 4, read: (v, at) => v.getFloat32(at, true) },
  2: { bytes: 1, read: (v, at) => v.getUint8(at) },
  3: { bytes: 1, read: (v, at) => v.getInt8(at) },
  4: { bytes: 2, read: (v, at) => v.getUint16(at, true) },
  5: { bytes: 2, read: (v, at) => v.getInt16(at, true) },
  6: { bytes: 4, read: (v, at) => v.getInt32(at, true) },
  7: { bytes: 8, read: (v, at) => Number(v.getBigInt64(at, true)) },
  9: { bytes: 1, read: (v, at) => (v.getUint8(at) ? 1 : 0) },
  11: { bytes: 8, read: (v, at) => v.getFloat64(at, true) },
  12: { bytes: 4, read: (v, at) => v.getUint32(at, true) },
  13: { bytes: 8, read: (v, at) => Number(v.getBigUint64(at, true)) },
};

type Obj = Record<string, unknown>;
const arr = <T>(v: unknown): T[] => (Array.isArray(v) ? (v as T[]) : []);
const num = (v: unknown, d = 0): number => (typeof v === 'number' ? v : d);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

const elementCount = (dims: number[]) => dims.reduce((a, d) => a * d, 1);

function decodeTensorObject(t: Obj): OnnxTensor {
  const dims = arr<number>(t.dims).map(Number);
  const dataType = num(t.dataType);
  const name = str(t.name);
  const fail = (problem: string): OnnxTensor => ({ name, dims, dataType, values: null, problem });
  if (dims.some((d) => !Number.isSafeInteger(d) || d < 0)) return fail(`dimensions [${dims.join(', ')}] are not sizes`);
  if (num(t.dataLocation) === 1 || arr(t.externalData).length > 0) return fail('its data lives in an external file (save the model with its weights inside it)');
  if (t.segment !== undefined) return fail('it is stored in segments');
  const n = elementCount(dims);
  const raw = t.rawData instanceof Uint8Array ? t.rawData : undefined;
  const reader = RAW[dataType];
  if (!reader) return fail(`its element type ${dataTypeName(dataType)} holds no plain numbers`);
  if (raw && raw.length > 0) {
    if (raw.length !== n * reader.bytes) return fail(`raw_data holds ${raw.length} bytes, not the ${n * reader.bytes} its dimensions [${dims.join(', ')}] need`);
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    const values = new Float64Array(n);
    for (let e = 0; e < n; e++) values[e] = reader.read(view, e * reader.bytes);
    return { name, dims, dataType, values };
  }
  // The typed fields of onnx.proto: float_data for FLOAT; int32_data for the small integer
  // types and BOOL; int64_data; double_data; uint64_data for UINT32/UINT64.
  const typed: unknown[] = dataType === 1 ? arr(t.floatData)
    : dataType === 7 ? arr(t.int64Data)
      : dataType === 11 ? arr(t.doubleData)
        : dataType === 12 || dataType === 13 ? arr(t.uint64Data)
          : arr(t.int32Data);
  if (typed.length !== n) return fail(`it holds ${typed.length} values, not the ${n} its dimensions [${dims.join(', ')}] need`);
  return { name, dims, dataType, values: Float64Array.from(typed, (v) => Number(v)) };
}

function decodeAttribute(a: Obj): OnnxAttribute {
  const out: OnnxAttribute = { name: str(a.name), type: num(a.type) };
  if (typeof a.f === 'number') out.f = a.f;
  if (typeof a.i === 'number') out.i = a.i;
  if (a.s instanceof Uint8Array) out.s = new TextDecoder().decode(a.s);
  if (a.t && typeof a.t === 'object') out.t = decodeTensorObject(a.t as Obj);
  if (Array.isArray(a.ints) && a.ints.length) out.ints = a.ints.map(Number);
  if (Array.isArray(a.floats) && a.floats.length) out.floats = a.floats.map(Number);
  if (a.g !== undefined || arr(a.strings).length || arr(a.tensors).length || a.refAttrName) out.other = true;
  return out;
}

function decodeValueInfo(v: Obj): OnnxValueInfo {
  const tensorType = ((v.type as Obj | undefined)?.tensorType ?? {}) as Obj;
  const shape = tensorType.shape as Obj | undefined;
  const dims = shape === undefined ? null : arr<Obj>(shape.dim).map((d) =>
    (typeof d.dimValue === 'number' ? d.dimValue : typeof d.dimParam === 'string' && d.dimParam !== '' ? d.dimParam : null));
  return { name: str(v.name), elemType: num(tensorType.elemType), dims };
}

const toObject = (message: ReturnType<typeof ModelProto.decode>): Obj =>
  ModelProto.toObject(message, { longs: Number, enums: Number, arrays: false, defaults: false }) as Obj;

/** The model in `bytes`; throws Error (with protobufjs's reason) when they are not an ONNX model. */
export function decodeModel(bytes: Uint8Array): OnnxModel {
  const m = toObject(ModelProto.decode(bytes));
  const g = (m.graph ?? {}) as Obj;
  let opset = 0;
  const otherDomains: string[] = [];
  for (const o of arr<Obj>(m.opsetImport)) {
    const domain = str(o.domain);
    if (domain === '' || domain === 'ai.onnx') opset = Math.max(opset, num(o.version));
    else otherDomains.push(domain);
  }
  return {
    irVersion: num(m.irVersion),
    producerName: str(m.producerName),
    producerVersion: str(m.producerVersion),
    opset: opset || 1,
    otherDomains,
    functions: arr(m.functions).length,
    graph: {
      name: str(g.name),
      node: arr<Obj>(g.node).map((n, index) => ({
        index,
        name: str(n.name),
        opType: str(n.opType),
        domain: str(n.domain),
        input: arr<string>(n.input),
        output: arr<string>(n.output),
        attribute: arr<Obj>(n.attribute).map(decodeAttribute),
      })),
      initializer: arr<Obj>(g.initializer).map(decodeTensorObject),
      input: arr<Obj>(g.input).map(decodeValueInfo),
      output: arr<Obj>(g.output).map(decodeValueInfo),
      valueInfo: arr<Obj>(g.valueInfo).map(decodeValueInfo),
      sparseInitializers: arr(g.sparseInitializer).length,
    },
  };
}

/** One TensorProto (the backend test data's `input_0.pb` / `output_0.pb`). */
export function decodeTensor(bytes: Uint8Array): OnnxTensor {
  const t = TensorProto.toObject(TensorProto.decode(bytes), { longs: Number, enums: Number, arrays: false, defaults: false }) as Obj;
  return decodeTensorObject(t);
}
