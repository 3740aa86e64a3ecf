// The part of a generated module (docs/architecture.md, common API) that training and
// evaluation use. Typed structurally, so any module the generator emits fits, whatever its
// dtype, and tests can pass a small hand-written stand-in.

export type Block = Float32Array | Float64Array;

export interface ModuleMeta {
  name: string;
  batch: number;
  input: [number, number, number];
  output: [number, number, number];
  dtype: 'f32' | 'f64';
  endsWithSoftmax: boolean;
}

export interface TrainableModel {
  forward(input: ArrayLike<number>, options?: { training?: boolean }): Block;
  backward(labels: ArrayLike<number>, options?: { accumulate?: boolean }): number;
  step(options: { lr: number; momentum?: number }): void;
  toJSON(): Record<string, Record<string, number[]>>;
  loadJSON(weights: unknown): void;
  toBinary(): Uint8Array;
  loadBinary(bytes: ArrayBuffer | Uint8Array): void;
}

export interface GeneratedModule {
  meta: ModuleMeta;
  Model: new (options?: { seed?: number }) => TrainableModel;
}
