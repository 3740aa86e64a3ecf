// Writes a checked network with its weights as an ONNX model (inference only), so that
// ONNX Runtime and other ONNX tools run exactly cnnc's network. NCHW throughout, batch
// dimension symbolic ("N"), so one file serves batch 1 and batch 32. Opset 13, IR version 7.
// How each layer is written (docs/cli.md, "export", says the same for users):
//   conv     Conv with explicit pads from the anchor; a Slice crops first where the anchor
//            lies outside the window (a negative pad); a bias is Conv's B input
//   bn       BatchNormalization with the running statistics (inference); per-position mode
//            normalises the flattened [N, C·H·W] tensor, whose "channels" are the positions
//   relu     Relu
//   pool     MaxPool, floor rounding; round=ceil adds bottom/right pads, which MaxPool never
//            lets win a max, so the last pools are clipped to the map as in cnnc
//   full     Flatten + Gemm (transB), the bias as Gemm's C
//   softmax  Softmax on axis 1
// The output is [N, C] when the network's output is C×1×1 (a classifier), else [N, C, H, W].
// The protobuf encoding is protobufjs's, from the messages declared in schema.ts.
import type { CheckedNetwork, Layer } from '../model/checked.js';
import { size3 } from '../model/checked.js';
import { tensorOf, type Weights } from '../model/weights.js';
import { convPads, cropThenPad, poolPads } from './layout.js';
import { AttributeType, DataType, encodeModel, type Attribute, type Graph, type ValueInfo } from './schema.js';

export const IR_VERSION = 7;
export const OPSET = 13;

/**
 * Why the ONNX writer cannot express this network, or null. Every network of the language is
 * expressible (ceil-mode pools included, see poolPads); kept so that callers (the benchmark's
 * peers) need not change should a future option not be.
 */
export function onnxUnsupportedReason(_net: CheckedNetwork): string | null {
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

/** An attribute value: an int, a list of ints, or a float (wrapped, since a float may be integral). */
type AttrValue = number | number[] | { float: number };

function attribute(name: string, v: AttrValue): Attribute {
  if (Array.isArray(v)) return { name, ints: v, type: AttributeType.INTS };
  if (typeof v === 'object') return { name, f: v.float, type: AttributeType.FLOAT };
  return { name, i: v, type: AttributeType.INT };
}

class GraphBuilder {
  readonly graph: Graph;

  constructor(name: string) {
    this.graph = { node: [], name, initializer: [], input: [], output: [] };
  }

  /** Adds a node whose one output is the tensor `output`; the node has the same name. */
  node(opType: string, inputs: string[], output: string, attrs: Record<string, AttrValue> = {}): string {
    const attribute_ = Object.entries(attrs).map(([name, v]) => attribute(name, v));
    this.graph.node.push({ input: inputs, output: [output], name: output, opType, attribute: attribute_ });
    return output;
  }

  floats(name: string, dims: number[], values: ArrayLike<number>): string {
    this.graph.initializer.push({ dims, dataType: DataType.FLOAT, name, rawData: float32Bytes(values) });
    return name;
  }

  int64s(name: string, values: number[]): string {
    this.graph.initializer.push({ dims: [values.length], dataType: DataType.INT64, name, rawData: int64Bytes(values) });
    return name;
  }

  /** Renames the tensor a node produced (the graph's last one, read by no node). */
  renameOutput(from: string, to: string): void {
    const n = this.graph.node.find((node) => node.output[0] === from);
    if (n) n.output[0] = to;
  }
}

/** ValueInfoProto of a float tensor whose first dimension is the symbolic batch "N". */
function valueInfo(name: string, dims: number[]): ValueInfo {
  return {
    name,
    type: { tensorType: { elemType: DataType.FLOAT, shape: { dim: [{ dimParam: 'N' }, ...dims.map((d) => ({ dimValue: d }))] } } },
  };
}

/** The layer's tensor `key`, which the caller has checked (exportOnnx validates the weights). */
function param(weights: Weights, layer: Layer, key: string): Float64Array {
  const t = tensorOf(weights, layer.name, key);
  if (!t) throw new Error(`ONNX export of layer ${layer.name}: no weights for key ${key}`);
  return t;
}

const hasParam = (layer: Layer, key: string): boolean => layer.params.some((p) => p.key === key);

/**
 * The ONNX model bytes of `net` with `weights` (float64 values, written as float32); input
 * "input" [N,C,H,W], output "output". Tensor names: each layer's result is named after the
 * layer, its weights `<layer>.<key>` (`c1.w`, `n2.runningVar`), helper tensors
 * `<layer>.<what>`; layer names hold no dot, so none of these collide.
 */
export function onnxModel(net: CheckedNetwork, weights: Weights): Uint8Array {
  const g = new GraphBuilder(net.name);
  let x = 'input';
  // 'flat' is [N, C·H·W] (after Flatten, Gemm or a per-position bn), '4d' is [N, C, H, W];
  // both hold the same numbers in the same order, so switching is a free reshape.
  let form = '4d' as 'flat' | '4d';
  const as4d = (layer: Layer) => {
    if (form === 'flat') {
      const { c, h, w } = layer.input;
      x = g.node('Reshape', [x, g.int64s(`${layer.name}.shape`, [0, c, h, w])], `${layer.name}.in`);
      form = '4d';
    }
  };
  const asFlat = (layer: Layer) => {
    if (form === '4d') {
      x = g.node('Flatten', [x], `${layer.name}.flat`, { axis: 1 });
      form = 'flat';
    }
  };
  // 'input' is a keyword and 'output' is not, so only the latter needs a different name.
  const result = (layer: Layer) => (layer.name === 'output' ? 'output.y' : layer.name);

  for (const layer of net.layers) {
    switch (layer.op) {
      case 'conv': {
        as4d(layer);
        const { crop, pad } = cropThenPad(convPads(layer));
        if (crop.top || crop.bottom || crop.left || crop.right) {
          const { h, w } = layer.input;
          x = g.node('Slice', [
            x,
            g.int64s(`${layer.name}.starts`, [crop.top, crop.left]),
            g.int64s(`${layer.name}.ends`, [h - crop.bottom, w - crop.right]),
            g.int64s(`${layer.name}.axes`, [2, 3]),
          ], `${layer.name}.crop`);
        }
        const inputs = [x, g.floats(`${layer.name}.w`, [layer.output.c, layer.input.c, layer.kernel.rows, layer.kernel.cols], param(weights, layer, 'w'))];
        // conv bias=true has a parameter "b" after "w" (docs/operations.md).
        if (hasParam(layer, 'b')) inputs.push(g.floats(`${layer.name}.b`, [layer.output.c], param(weights, layer, 'b')));
        x = g.node('Conv', inputs, result(layer), {
          kernel_shape: [layer.kernel.rows, layer.kernel.cols],
          pads: [pad.top, pad.left, pad.bottom, pad.right],
          strides: [1, 1],
        });
        break;
      }
      case 'bn': {
        // Position mode: one γ, β, mean, variance per (k, i, j), i.e. per element of the
        // flattened sample. Channel mode: per k, BatchNormalization's own axis 1; a C×1×1
        // input may stay flat, [N, C] being the same.
        if (layer.input.h !== 1 || layer.input.w !== 1) {
          if (layer.mode === 'position') asFlat(layer);
          else as4d(layer);
        }
        const n = layer.mode === 'position' ? size3(layer.input) : layer.input.c;
        const p = (key: string) => g.floats(`${layer.name}.${key}`, [n], param(weights, layer, key));
        x = g.node('BatchNormalization', [x, p('gamma'), p('beta'), p('runningMean'), p('runningVar')], result(layer), {
          epsilon: { float: layer.eps },
          // ONNX's momentum weighs the old running value, cnnc's the new batch statistic.
          momentum: { float: 1 - layer.momentum },
        });
        break;
      }
      case 'relu':
        x = g.node('Relu', [x], result(layer));
        break;
      case 'pool': {
        as4d(layer);
        const { bottom, right } = poolPads(layer);
        const attrs: Record<string, AttrValue> = {
          kernel_shape: [layer.size.rows, layer.size.cols],
          strides: [layer.stride.rows, layer.stride.cols],
        };
        if (bottom || right) attrs.pads = [0, 0, bottom, right];
        x = g.node('MaxPool', [x], result(layer), attrs);
        break;
      }
      case 'full': {
        asFlat(layer);
        const inputs = [x, g.floats(`${layer.name}.w`, [layer.output.c, size3(layer.input)], param(weights, layer, 'w'))];
        if (hasParam(layer, 'b')) inputs.push(g.floats(`${layer.name}.b`, [layer.output.c], param(weights, layer, 'b')));
        x = g.node('Gemm', inputs, result(layer), { transB: 1 });
        break;
      }
      case 'softmax':
        // The input is C×1×1 (E032): axis 1 of [N, C] or of [N, C, 1, 1] alike.
        x = g.node('Softmax', [x], result(layer), { axis: 1 });
        break;
    }
  }

  const o = net.output;
  const classifier = o.h === 1 && o.w === 1;
  if (classifier && form === '4d') g.node('Flatten', [x], 'output', { axis: 1 });
  else if (!classifier && form === 'flat') g.node('Reshape', [x, g.int64s('output.dims', [0, o.c, o.h, o.w])], 'output');
  else if (x === 'input') g.node('Identity', [x], 'output'); // no layers (refused by the checker, E034)
  else g.renameOutput(x, 'output');
  g.graph.input.push(valueInfo('input', [net.input.c, net.input.h, net.input.w]));
  g.graph.output.push(valueInfo('output', classifier ? [o.c] : [o.c, o.h, o.w]));
  return encodeModel({
    irVersion: IR_VERSION,
    producerName: 'cnnc',
    graph: g.graph,
    opsetImport: [{ domain: '', version: OPSET }],
  });
}
