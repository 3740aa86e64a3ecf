// The generated engine of `cnnc run`: compiles the network in-process (float32 by default,
// --dtype f64), writes the ES module to a private temporary directory, imports it, and runs
// the Model's forward and backward passes. The trace has the interpreter engine's form.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CheckedNetwork } from '../model/checked.js';
import type { Engine, RunRequest, Trace, TraceLayer } from '../model/trace.js';
import { compileNetwork } from '../emit/index.js';

type F = Float32Array | Float64Array;

/** The part of a generated module this engine uses (the full API is in the module's .d.ts). */
export interface LoadedModule {
  Model: new (options?: { seed?: number }) => {
    forward(input: ArrayLike<number>, options?: { training?: boolean }): F;
    backward(labels: ArrayLike<number>): number;
    backwardFrom(outSens: ArrayLike<number>): number;
    loadJSON(weights: unknown): void;
    activation(layer: string): F;
    sensitivity(layer: string): F | null;
    path(layer: string): Int32Array;
    grad(layer: string, key: string): F;
    readonly inputSensitivity: F;
  };
}

/** Compiles a network and imports the emitted .js as a module. */
export async function importGenerated(net: CheckedNetwork, dtype: 'f32' | 'f64'): Promise<LoadedModule> {
  const { js, stem } = compileNetwork(net, { dtype });
  const dir = mkdtempSync(join(tmpdir(), 'cnnc-engine-'));
  try {
    const file = join(dir, `${stem}.mjs`);
    writeFileSync(file, js);
    return (await import(/* @vite-ignore */ pathToFileURL(file).href)) as LoadedModule;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function createGeneratedEngine(options: { dtype?: 'f32' | 'f64' } = {}): Engine {
  const dtype = options.dtype ?? 'f32';
  return {
    name: 'generated',
    async run(net: CheckedNetwork, req: RunRequest): Promise<Trace> {
      const mod = await importGenerated(net, dtype);
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
