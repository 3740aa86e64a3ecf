// The generated engine of `cnnc run`: compiles the network in-process (float32 WebAssembly by
// default; --target js, --dtype f64), imports the ES module (generated-module.ts), and runs the Model's forward
// and backward passes. The trace has the interpreter engine's form.
import type { CheckedNetwork } from '../model/checked.js';
import type { Engine, RunRequest, Trace, TraceLayer } from '../model/trace.js';
import { compileAndImport } from './generated-module.js';
import { defaultTarget } from '../lower/index.js';

export function createGeneratedEngine(options: { dtype?: 'f32' | 'f64'; target?: 'js' | 'wasm' } = {}): Engine {
  const dtype = options.dtype ?? 'f32';
  const target = options.target ?? defaultTarget(dtype);
  return {
    name: 'generated',
    async run(net: CheckedNetwork, req: RunRequest): Promise<Trace> {
      const mod = await compileAndImport(net, { dtype, target });
      const model = new mod.Model();
      model.loadJSON(req.weights);
      model.forward(req.input, { training: req.mode === 'train' });
      let loss: number | null = null;
      if (req.labels) loss = model.backward(req.labels);
      else if (req.outSens) loss = model.backwardFrom(req.outSens);
      const backward = loss !== null;
      const layers = net.layers.map((layer): TraceLayer => {
        const sensitivity = backward ? model.sensitivity(layer.name) : null;
        const grads = backward
          ? Object.fromEntries(layer.params.filter((p) => p.learnable).map((p) => [p.key, Array.from(model.grad(layer.name, p.key))]))
          : {};
        const entry: TraceLayer = {
          name: layer.name,
          op: layer.op,
          shape: [net.batch, layer.output.c, layer.output.h, layer.output.w],
          output: Array.from(model.activation(layer.name)),
          sensitivity: sensitivity ? Array.from(sensitivity) : null,
          grads,
        };
        if (layer.op === 'pool') entry.path = Array.from(model.path(layer.name));
        return entry;
      });
      return {
        network: net.name,
        engine: 'generated',
        loss,
        layers,
        inputSensitivity: backward ? Array.from(model.inputSensitivity) : null,
      };
    },
  };
}
