// The ONNX writer (src/onnx/, behind the ONNX Runtime peer and `cnnc export`): the model's protobuf bytes
// decoded by an independent minimal reader written here (not protobufjs, which encodes them).
import { describe, expect, it } from 'vitest';
import { float32Bytes, onnxModel } from '../src/onnx/model.js';
import { buildNetwork } from '../src/model/build.js';
import { initWeights } from '../src/model/init.js';

// ---- an independent reader for the test ----
type Field = { field: number; wire: number; value: bigint | Uint8Array };
function readFields(b: Uint8Array): Field[] {
  const out: Field[] = [];
  let at = 0;
  const varint = (): bigint => {
    let v = 0n;
    let shift = 0n;
    for (;;) {
      const byte = b[at++];
      v |= BigInt(byte & 0x7f) << shift;
      shift += 7n;
      if (!(byte & 0x80)) return v;
    }
  };
  while (at < b.length) {
    const key = Number(varint());
    const wire = key & 7;
    if (wire === 0) out.push({ field: key >> 3, wire, value: varint() });
    else if (wire === 2) { const n = Number(varint()); out.push({ field: key >> 3, wire, value: b.subarray(at, at + n) }); at += n; }
    else if (wire === 5) { out.push({ field: key >> 3, wire, value: b.subarray(at, at + 4) }); at += 4; }
    else throw new Error(`wire type ${wire}`);
  }
  return out;
}
const text = (v: Field['value']) => new TextDecoder().decode(v as Uint8Array);
const sub = (fs: Field[], n: number) => fs.filter((f) => f.field === n).map((f) => readFields(f.value as Uint8Array));
const strs = (fs: Field[], n: number) => fs.filter((f) => f.field === n).map((f) => text(f.value));
const ints = (fs: Field[], n: number) => fs.filter((f) => f.field === n).map((f) => Number(BigInt.asIntN(64, f.value as bigint)));

interface DecodedNode { op: string; inputs: string[]; output: string; attrs: Record<string, number | number[]> }
function decode(bytes: Uint8Array) {
  const model = readFields(bytes);
  const graph = sub(model, 7)[0];
  const nodes: DecodedNode[] = sub(graph, 1).map((n) => ({
    op: strs(n, 4)[0], inputs: strs(n, 1), output: strs(n, 2)[0],
    attrs: Object.fromEntries(sub(n, 5).map((a) => {
      const type = ints(a, 20)[0];
      return [strs(a, 1)[0], type === 7 ? ints(a, 8) : ints(a, 3)[0]];
    })),
  }));
  const inits = new Map(sub(graph, 5).map((t) => [strs(t, 8)[0], { dims: ints(t, 1), type: ints(t, 2)[0], raw: t.find((f) => f.field === 9)!.value as Uint8Array }]));
  const opset = sub(model, 8).map((o) => ints(o, 2)[0]);
  return { ir: ints(model, 1)[0], opset, nodes, inits, inputs: sub(graph, 11).map((v) => strs(v, 1)[0]), outputs: sub(graph, 12).map((v) => strs(v, 1)[0]) };
}

describe('onnxModel', () => {
  const lenet = buildNetwork({
    name: 'lenet_nobn', batch: 32, input: [1, 28, 28], layers: [
      { op: 'conv', name: 'c1', out: 6, kernel: [5, 5] }, { op: 'relu' }, { op: 'pool', name: 'p1', size: [2, 2] },
      { op: 'conv', name: 'c2', out: 16, kernel: [5, 6], anchor: [2, 1] }, { op: 'relu' }, { op: 'pool', name: 'p2', size: [2, 2] },
      { op: 'full', name: 'f1', out: 120 }, { op: 'relu' }, { op: 'full', name: 'f2', out: 10 }, { op: 'softmax' },
    ],
  });

  it('writes the LeNet chain with explicit pads that reproduce each anchor', () => {
    const weights = initWeights(lenet, 0);
    const m = decode(onnxModel(lenet, weights));
    expect(m.ir).toBe(7);
    expect(m.opset).toEqual([13]);
    expect(m.inputs).toEqual(['input']);
    expect(m.outputs).toEqual(['output']);
    expect(m.nodes.map((n) => n.op)).toEqual(['Conv', 'Relu', 'MaxPool', 'Conv', 'Relu', 'MaxPool', 'Flatten', 'Gemm', 'Relu', 'Gemm', 'Softmax']);
    // ONNX pads are [top, left, bottom, right]. c1: 5x5, anchor (2,2) → 2 on every side.
    expect(m.nodes[0].attrs).toEqual({ kernel_shape: [5, 5], pads: [2, 2, 2, 2], strides: [1, 1] });
    // c2: 5x6, anchor (2,1): top m = 2, bottom M-1-m = 2, left n = 1, right N-1-n = 4.
    expect(m.nodes[3].attrs.pads).toEqual([2, 1, 2, 4]);
    expect(m.nodes[2].attrs).toEqual({ kernel_shape: [2, 2], strides: [2, 2] });
    expect(m.nodes[7].attrs).toEqual({ transB: 1 });
    expect(m.nodes[10].output).toBe('output');
    // Each node reads the one before it.
    for (let i = 1; i < m.nodes.length; i++) expect(m.nodes[i].inputs[0]).toBe(m.nodes[i - 1].output);
    // The weights go in as float32, same layout (OIHW for conv, [out][K] for full).
    const c2 = m.inits.get('c2.w')!;
    expect(c2.dims).toEqual([16, 6, 5, 6]);
    expect(c2.type).toBe(1);
    expect([...c2.raw]).toEqual([...float32Bytes(weights.c2.w)]);
    expect(m.inits.get('f1.w')!.dims).toEqual([120, 16 * 7 * 7]);
  });

  it('crops with Slice where the anchor lies outside the window; per-position BN on the flattened positions', () => {
    const net = buildNetwork({
      name: 'exclave', batch: 2, input: [2, 6, 7], layers: [
        { op: 'conv', name: 'c', out: 3, kernel: [3, 3], anchor: [-1, 4] },
        { op: 'bn', name: 'n' },
        { op: 'full', name: 'f', out: 4, bias: true },
      ],
    });
    const weights = initWeights(net, 3);
    weights.n.runningVar.fill(4);
    const m = decode(onnxModel(net, weights));
    expect(m.nodes.map((n) => n.op)).toEqual(['Slice', 'Conv', 'Flatten', 'BatchNormalization', 'Gemm']);
    // Pads from anchor (-1, 4) on 3x3: top -1, bottom 3, left 4, right -2 → crop 1 row on
    // top and 2 columns on the right, then pad bottom 3 and left 4.
    const i64 = (name: string) => Array.from({ length: m.inits.get(name)!.raw.length / 8 }, (_, k) => Number(new DataView(m.inits.get(name)!.raw.buffer, m.inits.get(name)!.raw.byteOffset).getBigInt64(8 * k, true)));
    const [, starts, ends, axes] = m.nodes[0].inputs;
    expect(i64(starts)).toEqual([1, 0]);
    expect(i64(ends)).toEqual([6, 7 - 2]);
    expect(i64(axes)).toEqual([2, 3]);
    expect(m.nodes[1].attrs.pads).toEqual([0, 4, 3, 0]);
    // One γ, β, mean, variance per (k, i, j): the "channels" of the flattened [N, 3·6·7].
    expect(m.nodes[3].inputs.slice(1)).toEqual(['n.gamma', 'n.beta', 'n.runningMean', 'n.runningVar']);
    const v = m.inits.get('n.runningVar')!;
    expect(v.dims).toEqual([3 * 6 * 7]);
    expect(new DataView(v.raw.buffer, v.raw.byteOffset).getFloat32(0, true)).toBe(4);
    expect(m.nodes[4].inputs).toHaveLength(3); // the bias
  });

  it('writes ceil-mode pools as floor MaxPool with bottom/right pads (clipped pools)', () => {
    const net = buildNetwork({ name: 'c', batch: 1, input: [1, 5, 5], layers: [{ op: 'pool', name: 'p', size: [2, 2], round: 'ceil' }] });
    const m = decode(onnxModel(net, {}));
    expect(m.nodes.map((n) => n.op)).toEqual(['MaxPool']);
    // 5 rows, 2x2 pools every 2: 3 pools, the last one row tall → 1 row of padding.
    expect(m.nodes[0].attrs).toEqual({ kernel_shape: [2, 2], strides: [2, 2], pads: [0, 0, 1, 1] });
  });
});
