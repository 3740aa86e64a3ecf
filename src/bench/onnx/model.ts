// Encodes a checked network with its weights as an ONNX model (inference only), so that
// ONNX Runtime runs exactly cnnc's network: conv with explicit pads from the anchor (a crop
// by Slice first when the anchor lies outside the window), BN folded into Mul + Add,
// max pool, full as Flatten + Gemm, softmax on axis 1. NCHW throughout, batch dimension
// symbolic ("N"), so one file serves batch 1 and batch 32. Opset 13, IR version 7.
import type { CheckedNetwork, Layer } from '../../model/checked.js';
import type { Weights } from '../../model/weights.js';
import { convPads, cropThenPad, foldBn, unsupportedReason } from '../peer-layout.js';
import { ProtoWriter, float32Bytes, int64Bytes } from './protobuf.js';

const FLOAT = 1;
const INT64 = 7;
const ATTR_INT = 2;
const ATTR_INTS = 7;

// Field numbers of onnx.proto.
const Model = { irVersion: 1, producerName: 2, graph: 7, opsetImport: 8 };
const Graph = { node: 1, name: 2, initializer: 5, input: 11, output: 12 };
const Node = { input: 1, output: 2, name: 3, opType: 4, attribute: 5 };
const Attr = { name: 1, i: 3, ints: 8, type: 20 };
const Tensor = { dims: 1, dataType: 2, name: 8, rawData: 9 };

type AttrValue = number | number[];

class GraphBuilder {
  readonly graph = new ProtoWriter();
  private count = 0;

  node(opType: string, inputs: string[], attrs: Record<string, AttrValue> = {}, output?: string): string {
    const out = output ?? `${opType.toLowerCase()}_${this.count++}`;
    const n = new ProtoWriter();
    for (const i of inputs) n.string(Node.input, i);
    n.string(Node.output, out).string(Node.name, out).string(Node.opType, opType);
    for (const [name, v] of Object.entries(attrs)) {
      const a = new ProtoWriter().string(Attr.name, name);
      if (Array.isArray(v)) a.ints(Attr.ints, v).int(Attr.type, ATTR_INTS);
      else a.int(Attr.i, v).int(Attr.type, ATTR_INT);
      n.message(Node.attribute, a);
    }
    this.graph.message(Graph.node, n);
    return out;
  }

  initializer(name: string, dims: number[], dataType: number, raw: Uint8Array): string {
    const t = new ProtoWriter().ints(Tensor.dims, dims).int(Tensor.dataType, dataType).string(Tensor.name, name).bytes(Tensor.rawData, raw);
    this.graph.message(Graph.initializer, t);
    return name;
  }

  floats(name: string, dims: number[], values: ArrayLike<number>): string {
    return this.initializer(name, dims, FLOAT, float32Bytes(values));
  }

  int64s(name: string, values: number[]): string {
    return this.initializer(name, [values.length], INT64, int64Bytes(values));
  }
}

/** ValueInfoProto of a float tensor whose first dimension is the symbolic batch "N". */
function valueInfo(name: string, dims: number[]): ProtoWriter {
  const shape = new ProtoWriter();
  shape.message(1, new ProtoWriter().string(2, 'N'));
  for (const d of dims) shape.message(1, new ProtoWriter().int(1, d));
  const tensorType = new ProtoWriter().int(1, FLOAT).message(2, shape);
  return new ProtoWriter().string(1, name).message(2, new ProtoWriter().message(1, tensorType));
}

/** The ONNX model bytes of `net` with `weights`; inputs "input" [N,C,H,W], output "output". */
export function onnxModel(net: CheckedNetwork, weights: Weights): Uint8Array {
  const refused = unsupportedReason(net);
  if (refused) throw new Error(`ONNX export of ${net.name}: ${refused}`);
  const g = new GraphBuilder();
  g.graph.string(Graph.name, net.name);
  let x = 'input';
  let flat = false; // true after a Gemm: the tensor is [N, K] rather than [N, C, H, W]
  const layers = net.layers;
  layers.forEach((layer: Layer, index) => {
    const last = index === layers.length - 1;
    const out = last ? 'output' : undefined;
    const p = weights[layer.name];
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
  g.graph.message(Graph.input, valueInfo('input', [net.input.c, net.input.h, net.input.w]));
  g.graph.message(Graph.output, valueInfo('output', flat ? [o.c] : [o.c, o.h, o.w]));
  return new ProtoWriter()
    .int(Model.irVersion, 7)
    .string(Model.producerName, 'cnnc')
    .message(Model.graph, g.graph)
    .message(Model.opsetImport, new ProtoWriter().string(1, '').int(2, 13))
    .finish();
}
