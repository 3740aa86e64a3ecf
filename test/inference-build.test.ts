// Inference builds (PlanOptions.inference, `cnnc build --inference`): the module with the
// weights built in gives, bit for bit, what the ordinary module gives in inference mode with
// the same weights loaded, on every example, on both targets; and it has nothing of training
// in it: no backward, gradient, path, loss or SGD kernel (neither in its JS nor among the
// WebAssembly module's exports), no training buffer in its plan, no weights-file code.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileNetwork, emitNetwork } from '../src/emit/index.js';
import { loadModel } from '../src/frontend/index.js';
import { planNetwork } from '../src/lower/index.js';
import type { CheckedNetwork } from '../src/model/checked.js';
import { initWeights, mulberry32 } from '../src/model/init.js';
import type { Weights } from '../src/model/weights.js';
import { buildWasmModule } from '../src/wasm/module.js';
import { readWeightsFile } from '../src/weights/index.js';
import { loadModule } from './helpers/load-module.js';
import { typeDiagnostics, typedNet } from './helpers/strict-types.js';

const examples = readdirSync('examples').filter((f) => f.endsWith('.cnn')).sort();

/**
 * LeNet: the trained weights of examples/mnist. Others: seeded weights with running
 * statistics that are not the initial 0 and 1, so that bn's inference path is exercised.
 */
function weightsFor(file: string, net: CheckedNetwork): Weights {
  if (file === 'lenet.cnn') return readWeightsFile('examples/mnist/lenet.bin', net);
  const w = initWeights(net, 7);
  const next = mulberry32(11);
  for (const layer of net.layers) {
    if (layer.op !== 'bn') continue;
    for (let i = 0; i < w[layer.name].runningMean.length; i++) {
      w[layer.name].runningMean[i] = next() - 0.5;
      w[layer.name].runningVar[i] = 0.2 + next();
    }
  }
  return w;
}

/** A batch of inputs in [-1, 1). */
function inputFor(net: CheckedNetwork): Float64Array {
  const next = mulberry32(3);
  const n = net.batch * net.input.c * net.input.h * net.input.w;
  return Float64Array.from({ length: n }, () => 2 * next() - 1);
}

const jsonOf = (w: Weights) => Object.fromEntries(Object.entries(w).map(([l, t]) => [l, Object.fromEntries(Object.entries(t).map(([k, v]) => [k, Array.from(v)]))]));
const bits = (a: Float32Array | Float64Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.byteLength / 4));

const cases = examples.flatMap((file) => [['wasm', 'f32'], ['js', 'f32'], ...(file === 'lenet.cnn' ? [['js', 'f64']] : [])].map(([target, dtype]) => [file, target, dtype] as [string, 'wasm' | 'js', 'f32' | 'f64']));

describe('inference modules give the ordinary module\'s inference outputs bit for bit', () => {
  it.each(cases)('examples/%s, target %s, %s', (file, target, dtype) => {
    const model = loadModel(join('examples', file));
    for (const net of model.networks) {
      const weights = weightsFor(file, net);
      const input = inputFor(net);
      const ordinary = loadModule(compileNetwork(net, { target, dtype }).js).createModel();
      ordinary.loadJSON(jsonOf(weights));
      const expected = ordinary.forward(input, { training: false });
      const compiled = compileNetwork(net, { target, dtype, inference: true, weights, weightsSource: 'w.bin' });
      const inference = loadModule(compiled.js).createModel();
      const got = inference.forward(input);
      expect(got.length).toBe(expected.length);
      expect(bits(got)).toEqual(bits(expected));
      for (const layer of net.layers) {
        expect(bits(inference.activation(layer.name)), `${net.name} ${layer.name}`).toEqual(bits(ordinary.activation(layer.name)));
        for (const p of layer.params) expect(bits(inference.param(layer.name, p.key))).toEqual(bits(ordinary.param(layer.name, p.key)));
      }
      // A second pass on other numbers: nothing left over from the first.
      const again = input.map((v) => -v);
      expect(bits(inference.forward(again, { training: false }))).toEqual(bits(ordinary.forward(again, { training: false })));
    }
  }, 120_000);
});

describe('an inference module has nothing of training', () => {
  const net = loadModel('examples/lenet.cnn').networks[0];
  const weights = readWeightsFile('examples/mnist/lenet.bin', net);

  it.each(['wasm', 'js'] as const)('target %s: plan, exports, JS and types', (target) => {
    const plan = planNetwork(net, { target, inference: true, weights });
    expect(plan.inference).toBe(true);
    expect(plan.kernels.map((k) => k.role)).toEqual(net.layers.map((l) => (l.op === 'bn' ? 'infer' : 'forward')));
    const kinds = new Set(plan.memory.buffers.map((b) => b.kind));
    for (const kind of ['inputSensitivity', 'sensitivity', 'path', 'grad', 'momentum', 'cache', 'labels'] as const) expect(kinds.has(kind)).toBe(false);
    expect(plan.layers.every((l) => l.path === null && l.cache.length === 0 && l.sensitivity === 0)).toBe(true);
    const ordinary = planNetwork(net, { target });
    expect(plan.memory.totalBytes).toBeLessThan(ordinary.memory.totalBytes / 2);
    // The buffers left keep their sizes, but the wasm scratch: only the forward kernels' needs.
    for (const b of plan.memory.buffers) {
      const was = ordinary.memory.buffers[ordinary.memory.index[b.name]].elements;
      if (b.name === 'scratch/-1/wasm') expect(b.elements).toBeLessThanOrEqual(was);
      else expect(b.elements).toBe(was);
    }

    const c = emitNetwork(plan);
    expect(c.test).toBe('');
    for (const text of [c.ts, c.js, c.dts]) {
      expect(text).not.toMatch(/_(backward|grad|path|loss)\b/);
      expect(text).not.toMatch(/\$sgd|\$step|\$zero_grads|\$toBinary|\$fromBinary|\$loadJSON|\$mulberry32|\$stepOptions/);
      expect(text).not.toMatch(/\b(backward|backwardFrom|step|zeroGrads|loadJSON|loadBinary|toJSON|toBinary|sensitivity|init)\(/);
    }
    expect(c.dts).toContain('forward(input: ArrayLike<number>, options?: { training?: false }): F;');
    expect(c.dts).toContain('readonly inference: true;');
    expect(c.dts).toContain('export declare function createModel(): Model;');
    expect(c.ts).toContain('inference only');

    if (target === 'wasm') {
      const wasm = buildWasmModule(plan, false);
      const exports = WebAssembly.Module.exports(new WebAssembly.Module(wasm.bytes)).map((e) => e.name).sort();
      expect(exports).toEqual(['memory', ...plan.kernels.map((k) => k.name)].sort());
      expect(exports.every((e) => e === 'memory' || /_(forward|infer)$/.test(e))).toBe(true);
      // The module's memory is the inference layout's, and the weights are its initial contents.
      expect(wasm.pages).toBe(plan.wasm!.pages);
      expect(wasm.pages).toBeLessThan(buildWasmModule(planNetwork(net, { target }), false).pages);
      const instance = new WebAssembly.Instance(new WebAssembly.Module(wasm.bytes), {});
      const memory = (instance.exports as { memory: WebAssembly.Memory }).memory;
      const w = plan.memory.buffers[plan.memory.index['param/7/w']];
      expect(Array.from(new Float32Array(memory.buffer, w.offset, w.elements))).toEqual(Array.from(Float32Array.from(weights.f1.w)));
      // The weights are carried once: both variants' code share one data section.
      expect(c.js.match(/\$WASM_DATA\b/g)).toHaveLength(3);
      expect(c.js).toMatch(/^const \$WASM_PLAIN = '[A-Za-z0-9+/]+' \+ \$WASM_DATA;$/m);
      expect(c.js).toMatch(/^const \$WASM_RELAXED = '[A-Za-z0-9+/]+' \+ \$WASM_DATA;$/m);
      expect(wasm.split!.code.length % 3).toBe(0);
    }
  }, 120_000);

  it.each(['wasm', 'js'] as const)('target %s: forward with training: true is refused, meta says inference', (target) => {
    const gen = loadModule(compileNetwork(net, { target, inference: true, weights }).js);
    expect((gen.meta as unknown as { inference: boolean }).inference).toBe(true);
    const model = gen.createModel();
    const input = new Float32Array(gen.meta.batch * 784);
    expect(() => model.forward(input, { training: true })).toThrow(/lenet: forward: this module was built for inference only \(cnnc build --inference\): options\.training must be false or absent, got true/);
    expect(() => model.forward(input, { training: 'no' as unknown as boolean })).toThrow(/got a string/);
    expect(model.forward(input, {}).length).toBe(gen.meta.batch * 10);
    expect(() => model.param('c1', 'dw')).toThrow(/layer "c1" has no parameter "dw"/);
    expect(() => model.activation('nope')).toThrow(/no layer named "nope"/);
    for (const m of ['backward', 'backwardFrom', 'step', 'zeroGrads', 'grad', 'sensitivity', 'path', 'loadJSON', 'loadBinary', 'toJSON', 'toBinary', 'init']) {
      expect((model as unknown as Record<string, unknown>)[m]).toBeUndefined();
    }
  }, 120_000);

  it('size: the inference module is the training module\'s code cut down plus the weights once', () => {
    for (const target of ['wasm', 'js'] as const) {
      const training = compileNetwork(net, { target }).js;
      const inference = compileNetwork(net, { target, inference: true, weights });
      const weightsText = inference.plan.weights!.base64.length;
      // 104,582 parameters and 12,544 bn running statistics, float32, base64: 4·117,126·4/3 characters.
      expect(weightsText).toBe(Math.ceil((4 * (104_582 + 2 * 3136) * 4) / 3 / 4) * 4);
      const code = inference.js.length - weightsText;
      expect(code).toBeLessThan(training.length * (target === 'wasm' ? 0.6 : 0.7));
      expect(inference.js.length).toBeLessThan(training.length + weightsText);
    }
  }, 120_000);

  it('--dump plan of an inference build prints the module back', () => {
    const plan = planNetwork(net, { inference: true, weights, weightsSource: 'examples/mnist/lenet.bin' });
    const again = emitNetwork(JSON.parse(JSON.stringify(plan)));
    expect(again.js).toBe(emitNetwork(plan).js);
    expect(plan.weights!.file).toBe('lenet.bin');
  }, 120_000);
});

// The .ts type-checks under strict settings (noUnused* too: the pruned prelude leaves nothing
// unused), and the .d.ts describes the .js: a consumer type-checks, and training calls do not.
describe('types of inference modules', () => {
  const net = typedNet;
  const diagnostics = typeDiagnostics;
  const consumer = `
import { createModel, createModelAsync, meta, Model, c1_forward, n1_infer, type ModelMeta } from './typed.js';
const m: Model = createModel();
const y: Float32Array = m.forward(new Array(meta.batch * 40).fill(0), { training: false });
const z: Float32Array = m.forward(new Float32Array(meta.batch * 40));
const yes: true = meta.inference;
const info: ModelMeta = meta;
c1_forward(new Float32Array(80), new Float32Array(36), new Float32Array(120));
n1_infer(new Float32Array(1), new Float32Array(1), new Float32Array(1), new Float32Array(1), new Float32Array(1), new Float32Array(1));
export const all = [y, z, yes, info, m.activation('f2'), m.param('n1', 'gamma'), createModelAsync()];
`;
  const wrong = `
import { createModel } from './typed.js';
const m = createModel();
m.forward([], { training: true });
m.backward([]);
m.step({ lr: 1 });
`;
  for (const target of ['wasm', 'js'] as const) {
    it(`target ${target}`, () => {
      const c = compileNetwork(net, { target, inference: true });
      expect(diagnostics({ '/m/typed.ts': c.ts }, ['/m/typed.ts'])).toEqual([]);
      expect(diagnostics({ '/d/typed.d.ts': c.dts, '/d/use.ts': consumer }, ['/d/typed.d.ts', '/d/use.ts'])).toEqual([]);
      const errors = diagnostics({ '/d/typed.d.ts': c.dts, '/d/bad.ts': wrong }, ['/d/bad.ts']);
      expect(errors).toHaveLength(3);
      expect(errors[0]).toMatch(/bad\.ts:4: .*true.*false/s);
      expect(errors[1]).toMatch(/bad\.ts:5: Property 'backward' does not exist on type 'Model'/);
      expect(errors[2]).toMatch(/bad\.ts:6: Property 'step' does not exist on type 'Model'/);
      const exported = [...c.js.matchAll(/^export (?:async function|function|class|const) ([\w$]+)/gm)].map((m) => m[1]).sort();
      const declared = [...c.dts.matchAll(/^export declare (?:async function|function|class|const) ([\w$]+)/gm)].map((m) => m[1]).sort();
      expect(declared).toEqual(exported);
    }, 60_000);
  }
});
