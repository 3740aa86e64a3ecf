// Compiles a network with cnnc's emitter and loads the generated JavaScript module, so the
// benchmark times exactly what `cnnc build` writes. The module imports nothing; it is written
// to a private temporary folder and imported from there (a file, so stack traces name it).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CheckedNetwork } from '../model/checked.js';
import { compileNetwork, type KernelInfo } from '../emit/index.js';

type F = Float32Array | Float64Array;

/** The part of the generated module's API (docs: common module API) the benchmark uses. */
export interface GeneratedModel {
  forward(input: ArrayLike<number>, options?: { training?: boolean }): F;
  backward(labels: ArrayLike<number>, options?: { accumulate?: boolean }): number;
  backwardFrom(outSens: ArrayLike<number>, options?: { accumulate?: boolean }): number;
  step(options: { lr: number; momentum?: number }): void;
  zeroGrads(): void;
  activation(layer: string): F;
  sensitivity(layer: string): F | null;
  path(layer: string): Int32Array;
  grad(layer: string, key: string): F;
  param(layer: string, key: string): F;
  loadJSON(weights: unknown): void;
}

export interface GeneratedModule {
  Model: new (options?: { seed?: number }) => GeneratedModel;
  createModel(options?: { seed?: number }): GeneratedModel;
  /** Every kernel, `<layer>_<role>`. */
  [kernel: string]: unknown;
}

export interface LoadedGenerated {
  module: GeneratedModule;
  kernels: KernelInfo[];
  /** Characters of the generated JavaScript. */
  jsChars: number;
}

export async function loadGenerated(net: CheckedNetwork, dtype: 'f32' | 'f64' = 'f32'): Promise<LoadedGenerated> {
  const compiled = compileNetwork(net, { dtype });
  const dir = mkdtempSync(join(tmpdir(), 'cnnc-bench-'));
  try {
    const file = join(dir, `${compiled.stem}.mjs`);
    writeFileSync(file, compiled.js);
    const module = (await import(pathToFileURL(file).href)) as GeneratedModule;
    return { module, kernels: compiled.kernels, jsChars: compiled.js.length };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Weights in the JSON form of docs/formats.md (what Model.loadJSON reads). */
export function weightsJson(weights: Record<string, Record<string, ArrayLike<number>>>): Record<string, Record<string, number[]>> {
  const out: Record<string, Record<string, number[]>> = {};
  for (const [layer, tensors] of Object.entries(weights)) {
    out[layer] = {};
    for (const [key, a] of Object.entries(tensors)) out[layer][key] = Array.from(a);
  }
  return out;
}
