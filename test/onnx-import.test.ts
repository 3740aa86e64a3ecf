// cnnc import (src/onnx/import.ts): ONNX models the language can say are imported and give
// the outputs their files expect (the ONNX project's own backend test data, written by an
// early PyTorch exporter, and models exported by PyTorch 1.13 with test/fixtures/onnx/make.py);
// models it cannot say are refused naming every node, its op and the reason, writing
// nothing; export → import → export gives the same network, weights and bytes.
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importOnnx, OnnxImportError } from '../src/onnx/import.js';
import { decodeTensor } from '../src/onnx/decode.js';
import { exportOnnx } from '../src/onnx/export.js';
import { float32Bytes, int64Bytes } from '../src/onnx/model.js';
import { encodeModel, type Model, type Node, type Attribute } from '../src/onnx/schema.js';
import { forwardNetwork } from '../src/interp/index.js';
import { checkSource, loadModel } from '../src/frontend/index.js';
import { initWeights } from '../src/model/init.js';
import { readWeightsFile } from '../src/weights/index.js';
import type { Weights } from '../src/model/weights.js';
import { cli } from './helpers/cli-frontend-capture.js';

const FIX = 'test/fixtures/onnx';
const BACKEND = `${FIX}/onnx-backend`;

function forward(bytes: Uint8Array, input: ArrayLike<number>, batch: number, file = 'model.onnx'): Float64Array {
  const r = importOnnx(bytes, { batch, file });
  return forwardNetwork(r.network, r.weights, Float64Array.from(input), { training: false }).activations.at(-1)!;
}

/** Float32 results of the model's own engine against the float64 interpreter. */
function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const tol = 1e-5 + 1e-5 * Math.abs(expected[i]);
    if (Math.abs(actual[i] - expected[i]) > tol) expect.fail(`element ${i}: ${actual[i]}, expected ${expected[i]}`);
  }
}

/** The error's message, or '' when the model is imported. */
function refusal(bytes: Uint8Array, file = 'model.onnx'): string {
  try {
    importOnnx(bytes, { file });
  } catch (e) {
    if (!(e instanceof OnnxImportError)) throw e;
    return e.message;
  }
  return '';
}

describe('the ONNX backend test data (another tool\'s files)', () => {
  const tests = readdirSync(BACKEND).filter((t) => t.startsWith('test_'));
  const fitting = tests.filter((t) => existsSync(`${BACKEND}/${t}/test_data_set_0`));
  it('holds both kinds', () => {
    expect(fitting).toEqual(['test_BatchNorm2d_eval', 'test_BatchNorm2d_momentum_eval', 'test_Linear', 'test_Linear_no_bias', 'test_ReLU', 'test_Softmax', 'test_softmax_lastdim']);
  });

  it.each(fitting)('%s: imported, its expected output', (t) => {
    const dir = `${BACKEND}/${t}`;
    const x = decodeTensor(readFileSync(`${dir}/test_data_set_0/input_0.pb`));
    const y = decodeTensor(readFileSync(`${dir}/test_data_set_0/output_0.pb`));
    expectClose(forward(readFileSync(`${dir}/model.onnx`), x.values!, x.dims[0]), y.values!);
  });

  it('BatchNormalization: channel bn with the running statistics, eps and momentum of the file', () => {
    const r = importOnnx(readFileSync(`${BACKEND}/test_BatchNorm2d_momentum_eval/model.onnx`));
    // epsilon 1e-3 and momentum 0.2 as float32 attributes; ONNX's momentum weighs the old
    // running value, cnnc's the new statistic: 1 - 0.2
    expect(r.source).toMatch(/^ {2}bn {5}eps=0\.001 momentum=0\.8 mode=channel/m);
    expect(r.network.layers[0]).toMatchObject({ op: 'bn', mode: 'channel', eps: 0.001, momentum: 0.8 });
  });

  it('Transpose of a weight before MatMul is folded: full without bias', () => {
    const r = importOnnx(readFileSync(`${BACKEND}/test_Linear_no_bias/model.onnx`));
    expect(r.source).toContain('# Folded into constants: 1 node (Transpose).');
    expect(r.network.layers.map((l) => [l.op, l.op === 'full' && l.bias])).toEqual([['full', false]]);
  });

  // The reason each refused model gets, against its only node (#0 in these files).
  const refusals: Record<string, RegExp> = {
    test_Conv2d: /node #0 \(Conv, output "3"\): no padding \("valid"\): the output is 5x4, not the input's 7x5; cnnc convolutions keep the map size \(a 3x2 kernel needs top\+bottom = 2 and left\+right = 1\)/,
    test_Conv2d_strided: /node #0 \(Conv, output "3"\): stride 2x2: cnnc convolutions have stride 1/,
    test_Conv2d_groups: /node #0 \(Conv, output "3"\): group=2 \(a grouped or depthwise convolution\)/,
    test_Conv2d_depthwise_padded: /node #0 \(Conv, output "3"\): group=4/,
    test_Conv2d_dilated: /stride 2x2: cnnc convolutions have stride 1; dilation 2x2: cnnc kernels are dense/,
    test_MaxPool2d: /node #0 \(MaxPool, output "1"\): pads top 1 and left 1: cnnc pools start on the map's first row and column/,
    test_MaxPool2d_stride_padding_dilation: /node #0 \(MaxPool, output "Y"\): dilation 10x10: cnnc pools are dense; pads top 10 and left 20/,
    test_AvgPool2d: /node #0 \(AveragePool, output "1"\): AveragePool has no cnnc equivalent \(cnnc pools take the maximum, never the average\)/,
    test_Sigmoid: /node #0 \(Sigmoid, output "1"\): Sigmoid has no cnnc equivalent \(cnnc's only activation is relu\)/,
    test_Tanh: /Tanh has no cnnc equivalent/,
    test_PReLU_2d: /PRelu has no cnnc equivalent/,
    test_LogSoftmax: /LogSoftmax has no cnnc equivalent \(cnnc's softmax gives probabilities, not their logarithms\)/,
    test_ConvTranspose2d: /ConvTranspose has no cnnc equivalent/,
    test_ZeroPad2d: /node #0 \(Pad, output "1"\): it pads the map and the graph's output follows, not a Conv that takes it as its padding \(an anchor\): cnnc has no padding or cropping layer/,
    test_ReflectionPad2d: /node #0 \(Pad, output "1"\): it pads the map/,
    test_softmax_functional_dim3: /node #0 \(Softmax, output "1"\): axis 3 of a 4-D tensor: cnnc's softmax is over the channels \(axis 1\)/,
    test_Conv1d: /input "0" has 3 dimensions \[2, 4, 10\]; cnnc inputs are N×C×H×W \(or N×K\)/,
    test_operator_flatten: /the graph computes no cnnc layer \(only Flatten\); a network needs at least one/,
    test_operator_add_broadcast: /the graph has 2 inputs \("0", "1"\); a cnnc network has one/,
    test_operator_addconstant: /input "0" holds DOUBLE values[^\n]*\n.*node #1 \(Add, output "2"\): it adds a constant of dimensions \[\]/s,
  };
  it('every other model is one of the refusals below', () => {
    expect(tests.filter((t) => !fitting.includes(t)).sort()).toEqual(Object.keys(refusals).sort());
  });
  it.each(Object.entries(refusals))('%s: refused, naming the node, its op and the reason', (t, reason) => {
    const message = refusal(readFileSync(`${BACKEND}/${t}/model.onnx`), `${t}/model.onnx`);
    expect(message).toMatch(new RegExp(`^${t}/model\\.onnx: cannot import: `));
    expect(message).toMatch(reason);
  });
});

interface Expected { input: number[]; inputShape: number[]; output: number[] }
const torchFixtures = readdirSync(FIX).filter((f) => f.endsWith('.onnx')).map((f) => f.slice(0, -5));

describe('models exported by PyTorch 1.13 (test/fixtures/onnx/make.py)', () => {
  it('are all here', () => {
    expect(torchFixtures.sort()).toEqual(['anchors', 'lenet', 'lenet-opset9', 'mlp', 'pools', 'position-bn', 'view']);
  });

  it.each(torchFixtures)('%s: imported, PyTorch\'s output', (name) => {
    const d = JSON.parse(readFileSync(`${FIX}/${name}.json`, 'utf8')) as Expected;
    expectClose(forward(readFileSync(`${FIX}/${name}.onnx`), d.input, d.inputShape[0], `${name}.onnx`), d.output);
  });

  it('lenet: the BN PyTorch folded into c1 is c1\'s bias; names from the modules; a canonical source that checks', () => {
    const r = importOnnx(readFileSync(`${FIX}/lenet.onnx`), { file: 'lenet.onnx' });
    expect(r.source).toBe([
      '# Imported by cnnc import from lenet.onnx, written by pytorch 1.13.0 (ONNX IR 7, opset 13).',
      'network torch_jit {',
      '  input  shape=1x16x16 batch=1',
      '  conv   c1 out=6 kernel=5x5 bias=true   # Conv "/c1/Conv"',
      '  relu                                   # Relu "/Relu"',
      '  pool   size=2x2                        # MaxPool "/MaxPool"',
      '  conv   c2 out=16 kernel=5x5 bias=true  # Conv "/c2/Conv"',
      '  relu                                   # Relu "/Relu_1"',
      '  pool   size=2x2                        # MaxPool "/MaxPool_1"',
      '  full   f1 out=64 bias=true             # Gemm "/f1/Gemm"',
      '  relu                                   # Relu "/Relu_2"',
      '  full   f2 out=10 bias=true             # Gemm "/f2/Gemm"',
      '  softmax                                # Softmax "/Softmax"',
      '}',
      '',
    ].join('\n'));
    expect(checkSource(r.source, 'lenet.cnn').diagnostics).toEqual([]);
  });

  it('anchors: F.pad before an unpadded conv (PyTorch\'s shape chain folded) is the anchor, outside the window too', () => {
    const r = importOnnx(readFileSync(`${FIX}/anchors.onnx`));
    expect(r.source).toMatch(/# Folded into constants: \d+ nodes \(Constant, ConstantOfShape, Concat, Reshape, Slice, Transpose, Cast\)\./);
    expect(r.network.layers.map((l) => l.op === 'conv' && [l.kernel, l.anchor])).toEqual([
      [{ rows: 3, cols: 3 }, { row: 1, col: 0 }],
      [{ rows: 2, cols: 3 }, { row: 0, col: -1 }],
      [{ rows: 3, cols: 3 }, { row: 2, col: 1 }],
    ]);
  });

  it('pools: ceil_mode is round=ceil; a BN not after a conv is a channel bn', () => {
    const r = importOnnx(readFileSync(`${FIX}/pools.onnx`));
    expect(r.network.layers.map((l) => l.op)).toEqual(['pool', 'relu', 'bn', 'pool']);
    expect(r.network.layers.map((l) => (l.op === 'pool' ? l.round : l.op === 'bn' ? l.mode : ''))).toEqual(['ceil', '', 'channel', 'ceil']);
  });

  it('position-bn: BatchNorm1d over the flattened map is bn mode=position; view: x.view(x.size(0), -1) is folded', () => {
    expect(importOnnx(readFileSync(`${FIX}/position-bn.onnx`)).source).toMatch(/ {2}bn {5}mode=position /);
    const view = importOnnx(readFileSync(`${FIX}/view.onnx`), { batch: 3 });
    expect(view.source).toContain('# Folded into constants: 7 nodes (Shape, Constant, Gather, Unsqueeze, Concat).');
    expect(view.network.layers.map((l) => l.op)).toEqual(['conv', 'relu', 'full']);
  });

  const refused: Record<string, string[]> = {
    'strided-conv': ['node "/Conv" (Conv): stride 2x2: cnnc convolutions have stride 1'],
    'valid-conv': ['node "/Conv" (Conv): no padding ("valid"): the output is 6x6, not the input\'s 8x8; cnnc convolutions keep the map size (a 3x3 kernel needs top+bottom = 2 and left+right = 2)'],
    'padded-pool': ['node "/MaxPool" (MaxPool): pads top 1 and left 1: cnnc pools start on the map\'s first row and column and read no padding (only bottom/right pads that match round=ceil are read)'],
    sigmoid: ['node "/1/Sigmoid" (Sigmoid): Sigmoid has no cnnc equivalent (cnnc\'s only activation is relu)'],
    avgpool: [
      'node "/1/Pad" (Pad): it pads the map and node "/1/AveragePool" (AveragePool) follows, not a Conv that takes it as its padding (an anchor): cnnc has no padding or cropping layer',
      'node "/1/AveragePool" (AveragePool): AveragePool has no cnnc equivalent (cnnc pools take the maximum, never the average)',
    ],
    'pad-alone': ['node "/Pad" (Pad): it pads the map and the graph\'s output follows, not a Conv that takes it as its padding (an anchor): cnnc has no padding or cropping layer'],
    several: [
      'node "/s/Conv" (Conv): stride 2x2: cnnc convolutions have stride 1',
      'node "/Sigmoid" (Sigmoid): Sigmoid has no cnnc equivalent (cnnc\'s only activation is relu)',
      'node "/v/Conv" (Conv): no padding ("valid"); cnnc convolutions keep the map size (a 3x3 kernel needs top+bottom = 2 and left+right = 2)',
      'node "/AveragePool" (AveragePool): AveragePool has no cnnc equivalent (cnnc pools take the maximum, never the average)',
      'node "/MaxPool" (MaxPool): pads top 1 and left 1: cnnc pools start on the map\'s first row and column and read no padding (only bottom/right pads that match round=ceil are read)',
    ],
  };
  it.each(Object.entries(refused))('refused/%s: every offending node named, with its op and reason', (name, lines) => {
    const message = refusal(readFileSync(`${FIX}/refused/${name}.onnx`), `${name}.onnx`);
    const n = lines.length;
    expect(message.split('\n')).toEqual([
      `${name}.onnx: cannot import: ${n === 1 ? 'one problem' : `${n} problems`} (the .cnn language cannot say this model exactly)`,
      ...lines.map((l) => `  ${l}`),
    ]);
  });
});

// ---- hand-made graphs: what PyTorch does not write ----

const f = (name: string, dims: number[], values: number[]) => ({ dims, dataType: 1, name, rawData: float32Bytes(values) });
const i64 = (name: string, values: number[]) => ({ dims: [values.length], dataType: 7, name, rawData: int64Bytes(values) });
const attr = (name: string, v: number | number[] | { f: number }): Attribute =>
  (Array.isArray(v) ? { name, ints: v, type: 7 } : typeof v === 'object' ? { name, f: v.f, type: 1 } : { name, i: v, type: 2 });
const node = (opType: string, input: string[], output: string[], attrs: Record<string, number | number[] | { f: number }> = {}, name = ''): Node =>
  ({ opType, input, output, name, attribute: Object.entries(attrs).map(([k, v]) => attr(k, v)) });
const info = (name: string, dims: (number | string)[]) => ({
  name, type: { tensorType: { elemType: 1, shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } },
});
function graph(nodes: Node[], initializer: ReturnType<typeof f>[], input: (number | string)[], output = 'y', opset = 13): Uint8Array {
  const model: Model = {
    irVersion: 7, producerName: 'test', opsetImport: [{ domain: '', version: opset }],
    graph: { name: 'g', node: nodes, initializer, input: [info('x', input)], output: [info(output, [])] },
  };
  return encodeModel(model);
}

describe('hand-made graphs', () => {
  it('Dropout and Identity are dropped and said so; MatMul + Add is a biased full layer', () => {
    const bytes = graph([
      node('Identity', ['x'], ['a']),
      node('MatMul', ['a', 'W'], ['b'], {}, 'fc'),
      node('Add', ['b', 'B'], ['c']),
      node('Dropout', ['c', 'ratio'], ['y']),
    ], [f('W', [3, 2], [1, 2, 3, 4, 5, 6]), f('B', [2], [0.5, -0.5]), f('ratio', [], [0.3])], ['N', 3]);
    const r = importOnnx(bytes);
    expect(r.source).toContain('# Dropped (identities at inference): Identity #0, Dropout #3.');
    expect(r.source).toContain('  full   fc out=2 bias=true  # MatMul "fc", Add #2');
    expect(Array.from(forward(bytes, [1, 1, 1, 0, 1, 0], 2))).toEqual([9.5, 11.5, 3.5, 3.5]);
  });

  it('a Dropout whose mask is used, Gemm alpha, a branch: each named with its reason', () => {
    const message = refusal(graph([
      node('Gemm', ['x', 'W'], ['a'], { alpha: { f: 2 }, transB: 1 }, 'g1'),
      node('Dropout', ['a'], ['b', 'mask'], {}, 'drop'),
      node('Relu', ['b'], ['c'], {}, 'r'),
      node('Add', ['c', 'b'], ['y'], {}, 'skip'),
      node('Cast', ['mask'], ['unused'], { to: 1 }, 'cast'),
    ], [f('W', [2, 3], [1, 2, 3, 4, 5, 6])], ['N', 3]));
    expect(message).toContain('node "g1" (Gemm): alpha=2: a cnnc full layer does not scale its product');
    expect(message).toContain('node "drop" (Dropout): its mask output is used');
    expect(message).toContain('node "skip" (Add): it combines 2 tensors the network computes ("c", "b"): cnnc networks are one chain of layers, without branches or skip connections');
  });

  it('Reshape to [N, -1] of a 4-D map, and SAME_UPPER padding (the default anchor) for an even kernel', () => {
    const r = importOnnx(graph([
      node('Conv', ['x', 'W'], ['a'], { auto_pad: 0, kernel_shape: [2, 2] }, 'c'),
      node('Reshape', ['a', 'shape'], ['b']),
      node('Gemm', ['b', 'F'], ['y'], { transB: 1 }, 'f'),
    ].map((n) => (n.name === 'c' ? { ...n, attribute: [{ name: 'auto_pad', s: new TextEncoder().encode('SAME_UPPER'), type: 3 } as Attribute, attr('kernel_shape', [2, 2])] } : n)),
    [f('W', [1, 1, 2, 2], [1, 1, 1, 1]), i64('shape', [0, -1]), f('F', [1, 9], [1, 1, 1, 1, 1, 1, 1, 1, 1])], ['N', 1, 3, 3]), { batch: 2 });
    expect(r.source).toMatch(/ {2}conv {3}c out=1 kernel=2x2 +#/);
    expect(r.network.layers[0]).toMatchObject({ anchor: { row: 0, col: 0 } });
  });

  it('an input with a symbolic height, and a file that is no ONNX model', () => {
    expect(refusal(graph([node('Relu', ['x'], ['y'])], [], ['N', 1, 'H', 4]))).toContain('input "x" has dimensions [N, 1, H, 4]; cnnc networks have fixed sizes (only the batch may vary)');
    expect(() => importOnnx(new TextEncoder().encode('network n {}'))).toThrow(/^model\.onnx: not an ONNX model/);
  });
});

// ---- export → import → export ----

describe('round trip: export → import → export', () => {
  it.each(['lenet', 'exotic', 'vgg'])('examples/%s.cnn: the same network, weights and bytes', (example) => {
    const net = loadModel(`examples/${example}.cnn`).networks[0];
    const weights = initWeights(net, 7);
    const exported = exportOnnx(net, weights);
    const r = importOnnx(exported, { batch: net.batch, file: `${example}.onnx` });
    const strip = (l: object) => { const { loc: _loc, ...rest } = l as { loc: unknown }; return rest; };
    expect(r.network.name).toBe(net.name);
    expect(r.network.layers.map(strip)).toEqual(net.layers.map(strip));
    const f32 = (w: Weights) => Object.fromEntries(Object.entries(w).map(([l, t]) => [l, Object.fromEntries(Object.entries(t).map(([k, a]) => [k, Array.from(a, Math.fround)]))]));
    expect(f32(r.weights)).toEqual(f32(weights));
    expect(Buffer.from(exportOnnx(r.network, r.weights)).equals(Buffer.from(exported))).toBe(true);
  });
});

// ---- the command ----

describe('cnnc import', () => {
  const tmp = () => mkdtempSync(join(tmpdir(), 'cnnc-import-'));

  it('writes the .cnn and its weights, which load like any model and weights file', async () => {
    const dir = tmp();
    const r = await cli('import', `${FIX}/lenet.onnx`, '-o', join(dir, 'lenet.cnn'), '--batch', '2', '--name', 'lenet');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(`${FIX}/lenet.onnx: network lenet, input 1x16x16 batch 2, 10 layers (conv relu pool conv relu pool full relu full softmax) → ${join(dir, 'lenet.cnn')}, ${join(dir, 'lenet.bin')}\n`);
    const net = loadModel(join(dir, 'lenet.cnn')).networks[0];
    const weights = readWeightsFile(join(dir, 'lenet.bin'), net);
    const d = JSON.parse(readFileSync(`${FIX}/lenet.json`, 'utf8')) as Expected;
    expectClose(forwardNetwork(net, weights, Float64Array.from(d.input), { training: false }).activations.at(-1)!, d.output);
    expect((await cli('fmt', '--check', join(dir, 'lenet.cnn'))).code).toBe(0);
  });

  it('--weights-out W.json writes JSON', async () => {
    const dir = tmp();
    const r = await cli('import', `${BACKEND}/test_Linear/model.onnx`, '-o', join(dir, 'linear.cnn'), '--weights-out', join(dir, 'w.json'));
    expect(r.code, r.stderr).toBe(0);
    expect(Object.keys(JSON.parse(readFileSync(join(dir, 'w.json'), 'utf8')))).toEqual(['full1']);
  });

  it('a refused model: exit 1, every problem on stderr, nothing written', async () => {
    const dir = tmp();
    const out = join(dir, 'm.cnn');
    writeFileSync(join(dir, 'keep.bin'), 'old');
    const r = await cli('import', `${FIX}/refused/several.onnx`, '-o', out, '--weights-out', join(dir, 'keep.bin'));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${FIX}/refused/several.onnx: cannot import: 5 problems`);
    expect(r.stderr).toContain('node "/s/Conv" (Conv): stride 2x2: cnnc convolutions have stride 1');
    expect(readdirSync(dir)).toEqual(['keep.bin']);
    expect(readFileSync(join(dir, 'keep.bin'), 'utf8')).toBe('old');
  });

  it('usage errors: exit 2', async () => {
    expect((await cli('import', `${FIX}/lenet.onnx`, '--batch', '0')).code).toBe(2);
    expect((await cli('import', `${FIX}/lenet.onnx`, '--name', 'conv')).code).toBe(2);
    expect((await cli('import', `${FIX}/lenet.onnx`, '-o', `${FIX}/lenet.onnx`)).code).toBe(2);
    const missing = await cli('import', 'no/such.onnx', '-o', join(tmp(), 'x.cnn'));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('cannot read no/such.onnx');
  });
});
