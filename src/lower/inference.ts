// Inference plans (`cnnc build --inference`): the ordinary plan cut down to what running the
// network in inference mode needs. Each layer keeps one kernel, its inference-mode forward
// (the `infer` role where the op has one: bn with its running statistics; else `forward`:
// pool without a path), the buffer table keeps the input, activations, parameters and the
// kernels' scratch (no sensitivities, gradients, momentum, paths, caches or labels), and
// the weights are embedded as the initial contents of the parameter buffers.
import { basename } from 'node:path';
import type { CheckedNetwork } from '../model/checked.js';
import { initWeights } from '../model/init.js';
import { tensorOf, type Weights } from '../model/weights.js';
import { bufferName, planMemory, planWasmMemory } from './memory.js';
import type { KernelPlan, LayerPlan, NetworkPlan } from './plan.js';

/** The kernel of a layer that runs it in inference mode. */
function inferenceKernel(kernels: KernelPlan[], layer: LayerPlan): KernelPlan {
  const own = kernels.filter((k) => k.layer === layer.index);
  const k = own.find((x) => x.role === 'infer') ?? own.find((x) => x.role === 'forward');
  if (!k) throw new Error(`cnnc: layer ${layer.name} has no forward kernel to run in inference mode`);
  return k;
}

/**
 * The parameters' values as the plan's dtype, little-endian, every `param` buffer in table
 * order. Throws when a tensor is missing or has the wrong length (the CLI checks the file
 * first, with messages for the user: src/weights/).
 */
function encodeWeights(plan: NetworkPlan, weights: Weights): string {
  const params = plan.memory.buffers.filter((b) => b.kind === 'param');
  const bytes = new Uint8Array(params.reduce((a, b) => a + b.bytes, 0));
  const view = new DataView(bytes.buffer);
  let o = 0;
  for (const b of params) {
    const name = plan.layers[b.layer].name;
    const t = tensorOf(weights, name, b.key);
    if (!t || t.length !== b.elements) {
      throw new Error(`cnnc: weights of ${plan.network}: ${name}.${b.key} has ${t ? t.length : 'no'} numbers, expected ${b.elements}`);
    }
    for (let i = 0; i < t.length; i++) {
      if (plan.dtype === 'f32') { view.setFloat32(o, t[i], true); o += 4; } else { view.setFloat64(o, t[i], true); o += 8; }
    }
  }
  return Buffer.from(bytes).toString('base64');
}

/** The inference plan of `full`, the ordinary plan of the same network and options. */
export function inferencePlan(full: NetworkPlan, net: CheckedNetwork, weights: Weights | undefined, weightsSource: string | undefined): NetworkPlan {
  if (full.shard) throw new Error('cnnc: an inference build cannot be a shard build');
  const kept = full.layers.map((l) => inferenceKernel(full.kernels, l));
  const layers = full.layers.map((l, i): LayerPlan => ({
    ...l, sensitivity: 0, path: null, cache: [], kernels: { [kept[i].role]: kept[i].name },
  }));
  const wasmScratch = Math.max(0, ...kept.map((k) => k.wasm?.scratchBytes ?? 0));
  const memory = planMemory(layers, kept, full.dtype, { input: full.inputSize, labels: null }, wasmScratch, true);
  const kernels = kept.map((k): KernelPlan => {
    // Caches are written for a backward pass only (bn's infer fills x̂ and 1/σ): an inference
    // plan binds none, and the printers leave those stores out.
    const params = k.params.filter((p) => !p.buffer?.startsWith('cache/'));
    for (const p of params) {
      if (p.buffer != null && !(p.buffer in memory.index)) throw new Error(`cnnc: ${k.name}: parameter ${p.name} has no buffer ${p.buffer}`);
    }
    const scratch = k.scratch && { ...k.scratch, buffer: memory.index[bufferName('scratch', k.layer, k.role)] };
    return { ...k, params, scratch } as KernelPlan;
  });
  const plan: NetworkPlan = {
    ...full,
    inference: true,
    layers,
    kernels,
    memory,
    wasm: full.target === 'wasm' ? planWasmMemory(memory) : null,
  };
  const base64 = encodeWeights(plan, weights ?? initWeights(net, 0));
  const file = weights ? basename(weightsSource ?? 'weights').replace(/[^\w.+@-]/g, '_') : null;
  return { ...plan, weights: { base64, file } };
}
