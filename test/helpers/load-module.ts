// Evaluates an emitted ES module in-process without touching the file system: the
// top-level `export` keywords are removed and the exported names returned from a strict
// function body. Only works because the module imports nothing (which this checks).
export interface GeneratedModel {
  forward(input: ArrayLike<number>, options?: { training?: boolean }): Float32Array | Float64Array;
  backward(labels: ArrayLike<number>, options?: { accumulate?: boolean }): number;
  backwardFrom(outSens: ArrayLike<number>, options?: { accumulate?: boolean }): number;
  step(options: { lr: number; momentum?: number }): void;
  zeroGrads(): void;
  init(seed: number): void;
  activation(layer: string): Float32Array | Float64Array;
  sensitivity(layer: string): Float32Array | Float64Array | null;
  path(layer: string): Int32Array;
  grad(layer: string, key: string): Float32Array | Float64Array;
  param(layer: string, key: string): Float32Array | Float64Array;
  readonly inputSensitivity: Float32Array | Float64Array;
  toJSON(): Record<string, Record<string, number[]>>;
  loadJSON(weights: unknown): void;
  toBinary(): Uint8Array;
  loadBinary(bytes: ArrayBuffer | Uint8Array): void;
}

export interface GeneratedModule {
  meta: {
    name: string; batch: number; input: number[]; output: number[]; dtype: 'f32' | 'f64'; endsWithSoftmax: boolean;
    layers: { name: string; op: string; input: number[]; output: number[]; params: { key: string; shape: number[]; learnable: boolean }[] }[];
  };
  Model: new (options?: { seed?: number }) => GeneratedModel;
  createModel(options?: { seed?: number }): GeneratedModel;
  [kernel: string]: unknown;
}

export function loadModule(js: string): GeneratedModule {
  if (/^\s*import\b/m.test(js) || /\brequire\s*\(/.test(js)) throw new Error('the module imports something');
  const names: string[] = [];
  const body = js.replace(/^export (function|class|const) ([A-Za-z_$][\w$]*)/gm, (_m, kw: string, name: string) => {
    names.push(name);
    return `${kw} ${name}`;
  });
  if (/^\s*export\b/m.test(body)) throw new Error('the module has an export form this loader does not know');
  return new Function(`"use strict";\n${body}\nreturn { ${names.join(', ')} };`)() as GeneratedModule;
}
