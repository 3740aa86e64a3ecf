// Writes a checked network with its weights as an ONNX model (inference only), so that
// ONNX Runtime and other ONNX tools run exactly cnnc's network: conv with explicit pads
// from the anchor (a crop by Slice first when the anchor lies outside the window), BN folded
// into Mul + Add, max pool, full as Flatten + Gemm, softmax on axis 1. NCHW throughout, batch
// dimension symbolic ("N"), so one file serves batch 1 and batch 32. Opset 13, IR version 7.
// The protobuf encoding is protobufjs's, from the messages declared in schema.ts.
import type { CheckedNetwork, Layer } from '../model/checked.js';
import { layerTensors, type Weights } from '../model/weights.js';
import { convPads, cropThenPad, foldBn } from './layout.js';
import { AttributeType, DataType, encodeModel, type Attribute, type Graph, type ValueInfo } from './schema.js';

export const IR_VERSION = 7;
export const OPSET = 13;

/** Why the ONNX writer cannot express this network, or null. */
export function onnxUnsupportedReason(net: CheckedNetwork): string | null {
  for (const l of net.layers) {
    // ONNX MaxPool's ceil_mode drops windows that start in the padding; cnnc's ceil rounding clips them.
    if (l.op === 'pool' && l.round === 'ceil') return `pool ${l.name} uses round=ceil, which ONNX MaxPool does not reproduce`;
  }
  return null;
}

/** float32 little-endian bytes of the values (ONNX `raw_data`). */
export function float32Bytes(values: ArrayLike<number>): Uint8Array {
  const b = new Uint8Array(values.length * 4);
  const view = new DataView(b.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i], true);
  return b;
}

/** int64 little-endian bytes of the values (ONNX `raw_data` of an INT64 tensor). */
export function int64Bytes(values: readonly number[]): Uint8Array {
  const b = new Uint8Array(values.length * 8);
  const view = new DataView(b.buffer);
  values.forEach((v, i) => view.setBigInt64(i * 8, BigInt(v), true));
  return b;
}

type AttrValue = number | number[];

class GraphBuilder {
  readonly graph: Graph;
  private count = 0;

  constructor(name: string) {
    this.graph = { node: [], name, initializer: [], input: [], output: [] };
  }

  node(opType: string, inputs: string[], attrs: Record<string, AttrValue> = {}, output?: string): string {
    const out = output ?? `${opType.toLowerCase()}_${this.count++}`;
    const attribute = Object.entries(attrs).map(([name, v]): Attribute =>
      (Array.isArray(v) ? { name, ints: v, type: AttributeType.INTS } : { name, i: v, type: AttributeType.INT }));
    this.graph.node.push({ input: inputs, output: [out], name: out, opType, attribute });
    return out;
  }

  floats(name: string, dims: number[], values: ArrayLike<number>): string {
    this.graph.initializer.push({ dims, dataType: DataType.FLOAT, name, rawData: float32Bytes(values) });
    return name;
  }

  int64s(name: string, values: number[]): string {
    this.graph.initializer.push({ dims: [values.length], dataType: DataType.INT64, name, rawData: int64Bytes(values) });
    return name;
  }
}

/** ValueInfoProto of a float tensor whose first dimension is the symbolic batch "N". */
function valueInfo(name: string, dims: number[]): ValueInfo {
  return {
    name,
    type: { tensorType: { elemType: DataType.FLOAT, shape: { dim: [{ dimParam: 'N' }, ...dims.map((d) => ({ dimValue: d }))] } } },
  };
}

/** The ONNX model bytes of `net` with `weights`; input "input" [N,C,H,W], output "output". */
export function onnxModel(net: CheckedNetwork, weights: Weights): Uint8Array {
  const refused = onnxUnsupportedReason(net);
  if (refused) throw new Error(`ONNX export of ${net.name}: ${refused}`);
  const g = new GraphBuilder(net.name);
  let x = 'input';
  let flat = false; // true after a Gemm: the tensor is [N, K] rather than [N, C, H, W]
  const layers = net.layers;
  layers.forEach((layer: Layer, index) => {
    const last = index === layers.length - 1;
    const out = last ? 'output' : undefined;
    const p = layerTensors(weights, layer.name) ?? {};
    if (flat && layer.op !== 'relu' && layer.op !== 'full' && layer.op !== 'softmax') {
      x = g.node('Unsqueeze', [x, g.int64s(`${layer.name}.axes`, [2, 3])]);
      flat = false;
    }
    switch (layer.op) {
      case 'conv': {
        const { crop, pad } = cropThenPad(convPads(layer));
        if (crop.top || crop.bottom || crop.left || crop.right) {
          const { h, w } = layer.input;
          x = g.node('Slice', [
            x,
            g.int64s(`${layer.name}.starts`, [crop.top, crop.left]),
            g.int64s(`${layer.name}.ends`, [h - crop.bottom, w - crop.right]),
            g.int64s(`${layer.name}.axes`, [2, 3]),
          ]);
        }
        const wName = g.floats(`${layer.name}.w`, [layer.output.c, layer.input.c, layer.kernel.rows, layer.kernel.cols], p.w);
        x = g.node('Conv', [x, wName], {
          kernel_shape: [layer.kernel.rows, layer.kernel.cols],
          pads: [pad.top, pad.left, pad.bottom, pad.right],
          strides: [1, 1],
        }, out);
        break;
      }
      case 'bn': {
        const { scale, shift } = foldBn(layer, p);
        const dims = layer.mode === 'position' ? [layer.input.c, layer.input.h, layer.input.w] : [layer.input.c, 1, 1];
        x = g.node('Mul', [x, g.floats(`${layer.name}.scale`, dims, scale)]);
        x = g.node('Add', [x, g.floats(`${layer.name}.shift`, dims, shift)], {}, out);
        break;
      }
      case 'relu':
        x = g.node('Relu', [x], {}, out);
        break;
      case 'pool':
        x = g.node('MaxPool', [x], {
          kernel_shape: [layer.size.rows, layer.size.cols],
          strides: [layer.stride.rows, layer.stride.cols],
        }, out);
        break;
      case 'full': {
        if (!flat) x = g.node('Flatten', [x], { axis: 1 });
        const K = layer.input.c * layer.input.h * layer.input.w;
        const inputs = [x, g.floats(`${layer.name}.w`, [layer.output.c, K], p.w)];
        if (layer.bias) inputs.push(g.floats(`${layer.name}.b`, [layer.output.c], p.b));
        x = g.node('Gemm', inputs, { transB: 1 }, out);
        flat = true;
        break;
      }
      case 'softmax':
        x = g.node('Softmax', [x], { axis: 1 }, out);
        break;
    }
  });
  if (layers.length === 0) x = g.node('Identity', [x], {}, 'output');
  const o = net.output;
  g.graph.input.push(valueInfo('input', [net.input.c, net.input.h, net.input.w]));
  g.graph.output.push(valueInfo('output', flat ? [o.c] : [o.c, o.h, o.w]));
  return encodeModel({
    irVersion: IR_VERSION,
    producerName: 'cnnc',
    graph: g.graph,
    opsetImport: [{ domain: '', version: OPSET }],
  });
}
