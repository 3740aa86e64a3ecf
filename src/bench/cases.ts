// What `cnnc bench` times: for every layer kernel (forward, backward, grad, path; bn's
// inference form as `infer`) the generated kernel against the interpreter's operation on the
// same data, and the whole network (`infer`: one inference pass of a batch; `train`: forward,
// backward and SGD step). Layer inputs are the interpreter's activations of the seeded
// workload, so ReLU and pooling branch as they would on real data.
import type { Layer } from '../model/checked.js';
import * as I from '../interp/index.js';
import { mulberry32 } from '../model/init.js';
import { layerTensors } from '../model/weights.js';
import { emitLayerKernels } from '../emit/kernels/index.js';
import type { KernelSource } from '../emit/kernels/types.js';
import { layerFlops, networkFlops } from './flops.js';
import { weightsJson, type GeneratedModule } from '../engines/generated-module.js';
import { cloneWeights, type Workload } from './workload.js';

export interface BenchCase {
  scope: string;
  op: 'forward' | 'backward' | 'grad' | 'path' | 'infer' | 'train';
  /** FLOPs of one call (0 when the op has no multiply-adds). */
  flops: number;
  generated: () => void;
  interpreted: () => void;
}

export const LR = 1e-4;

type Arr = Float32Array | Float64Array;
type Kernel = (...args: unknown[]) => unknown;

function seeded(n: number, seed: number): Float64Array {
  const next = mulberry32(seed);
  const a = new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = 2 * next() - 1;
  return a;
}

/** The arrays one layer's kernels are called with, by parameter name, in both precisions. */
function layerArrays(layer: Layer, T: number, x: Float64Array, y: Float64Array, path: Int32Array | null,
  weights: Record<string, Float64Array> | undefined, F: Float32ArrayConstructor | Float64ArrayConstructor): Record<string, Arr | Int32Array | boolean> {
  const dy = seeded(y.length, 7 + layer.index);
  const a: Record<string, Arr | Int32Array | boolean> = {
    x: F.from(x), y: new F(y.length), dy: F.from(dy), dx: new F(x.length), z: new F(y.length), xhat: new F(x.length),
    path: path ? Int32Array.from(path) : new Int32Array(y.length), training: true,
  };
  for (const [key, t] of Object.entries(weights ?? {})) {
    a[key] = F.from(t);
    a[`d${key}`] = new F(t.length);
  }
  if (layer.op === 'bn') a.invStd = new F(layer.params[0].size);
  if (layer.op === 'softmax') {
    (a.y as Arr).set(y);
    const K = layer.output.c;
    for (let t = 0; t < T; t++) (a.z as Arr)[t * K + (t % K)] = 1;
  }
  return a;
}

function interpretedOp(layer: Layer, role: string, T: number, x: Float64Array, y: Float64Array, path: Int32Array | null, w: Record<string, Float64Array> | undefined): (() => void) | null {
  const dy = seeded(y.length, 7 + layer.index);
  switch (layer.op) {
    case 'conv':
      if (role === 'forward') return () => I.convForward(layer, T, x, w!.w);
      if (role === 'backward') return () => I.convBackward(layer, T, dy, w!.w);
      if (role === 'grad') return () => I.convGrad(layer, T, dy, x);
      return null;
    case 'full':
      if (role === 'forward') return () => I.fullForward(layer, T, x, w!.w, w!.b);
      if (role === 'backward') return () => I.fullBackward(layer, T, dy, w!.w);
      if (role === 'grad') return () => I.fullGrad(layer, T, dy, x);
      return null;
    case 'pool':
      // The interpreter's pool forward always records the path: it serves both rows.
      if (role === 'forward' || role === 'path') return () => I.poolForward(layer, T, x);
      if (role === 'backward') return () => I.poolBackward(layer, T, dy, path!);
      return null;
    case 'relu':
      if (role === 'forward') return () => I.reluForward(x);
      if (role === 'backward') return () => I.reluBackward(x, dy);
      return null;
    case 'bn': {
      const p = { gamma: w!.gamma, beta: w!.beta, runningMean: Float64Array.from(w!.runningMean), runningVar: Float64Array.from(w!.runningVar) };
      if (role === 'forward') return () => I.bnForward(layer, T, x, p, true);
      if (role === 'infer') return () => I.bnForward(layer, T, x, p, false);
      if (role === 'backward') {
        const { cache } = I.bnForward(layer, T, x, { ...p, runningMean: Float64Array.from(p.runningMean), runningVar: Float64Array.from(p.runningVar) }, true);
        return () => I.bnBackward(layer, T, dy, cache, w!.gamma);
      }
      return null;
    }
    case 'softmax':
      if (role === 'forward') return () => I.softmaxForward(T, layer.output.c, x);
      if (role === 'backward') return () => I.softmaxBackward(T, layer.output.c, y, dy);
      return null; // the 'loss' kernel is timed inside network/train
  }
}

const roleOrder = ['forward', 'infer', 'path', 'backward', 'grad'];

/**
 * The kernels of a WebAssembly module, called in place: a Model's instance after one
 * training pass of the workload (so its activations, paths and sensitivities hold the
 * workload's values), each kernel called as the Model calls it, on the buffers at their
 * compile-time addresses. The exported `<layer>_<role>` functions would also time copying
 * every array into a standalone instance and back, which the Model never does. Null for a
 * JS module (its exported kernels are the ones the Model runs) or a module without the
 * instance's exports.
 */
function inPlaceKernels(work: Workload, mod: GeneratedModule): Record<string, Kernel> | null {
  if ((mod.meta as { target?: string }).target !== 'wasm') return null;
  const model = mod.createModel({ seed: 0 });
  model.loadJSON(weightsJson(work.weights));
  model.forward(work.input, { training: true });
  if (work.net.endsWithSoftmax) model.backward(work.target);
  else model.backwardFrom(work.target);
  const k = (model as unknown as { $k?: Record<string, unknown> }).$k;
  return k && typeof k === 'object' ? (k as Record<string, Kernel>) : null;
}

/** Every case of one network, layers in order, then the whole network. */
export function benchCases(work: Workload, mod: GeneratedModule, dtype: 'f32' | 'f64' = 'f32'): BenchCase[] {
  const { net } = work;
  const T = net.batch;
  const F = dtype === 'f32' ? Float32Array : Float64Array;
  const fwd = I.forwardNetwork(net, cloneWeights(work.weights), work.input, { training: true });
  const inPlace = inPlaceKernels(work, mod);
  const cases: BenchCase[] = [];
  net.layers.forEach((layer, l) => {
    const x = l === 0 ? work.input : fwd.activations[l - 1];
    const y = fwd.activations[l];
    const path = fwd.paths[l];
    const w = layerTensors(work.weights, layer.name);
    const kernels = emitLayerKernels(layer, { dtype, batch: T })
      .filter((k) => roleOrder.includes(k.role))
      .sort((a, b) => roleOrder.indexOf(a.role) - roleOrder.indexOf(b.role));
    for (const k of kernels) {
      const interpreted = interpretedOp(layer, k.role, T, x, y, path, w);
      const own = inPlace?.[k.name];
      if (interpreted && typeof own === 'function') {
        // The one argument a wasm kernel may take is bn backward's `training` flag (1: batch statistics).
        cases.push({ scope: layer.name, op: k.role as BenchCase['op'], flops: layerFlops(layer, k.role, T), generated: () => own(1), interpreted });
        continue;
      }
      const fn = mod[k.name] as Kernel | undefined;
      if (!interpreted || typeof fn !== 'function') continue;
      const arrays = layerArrays(layer, T, x, y, path, w, F);
      const args = (k as KernelSource).params.map((p) => {
        if (!(p.name in arrays)) throw new Error(`cnnc bench: no data for parameter ${p.name} of ${k.name}`);
        return arrays[p.name];
      });
      cases.push({ scope: layer.name, op: k.role as BenchCase['op'], flops: layerFlops(layer, k.role, T), generated: () => fn(...args), interpreted });
    }
  });
  cases.push(...networkCases(work, mod));
  return cases;
}

/** network/infer and network/train for both engines, from the same weights. */
export function networkCases(work: Workload, mod: GeneratedModule): BenchCase[] {
  const { net, input, target } = work;
  const model = mod.createModel({ seed: 0 });
  model.loadJSON(weightsJson(work.weights));
  const iw = cloneWeights(work.weights);
  const ow = cloneWeights(work.weights);
  const tgt = net.endsWithSoftmax ? { labels: target } : { outSens: target };
  const backward = net.endsWithSoftmax ? () => model.backward(target) : () => model.backwardFrom(target);
  return [
    {
      scope: 'network', op: 'infer', flops: networkFlops(net, 'infer'),
      generated: () => model.forward(input, { training: false }),
      interpreted: () => I.forwardNetwork(net, iw, input, { training: false }),
    },
    {
      scope: 'network', op: 'train', flops: networkFlops(net, 'train'),
      generated: () => { model.forward(input, { training: true }); backward(); model.step({ lr: LR }); },
      interpreted: () => {
        const f = I.forwardNetwork(net, ow, input, { training: true });
        const b = I.backwardNetwork(net, ow, f, tgt);
        I.sgdStep(net, ow, b.grads, { lr: LR });
      },
    },
  ];
}
