// A stand-in for a generated module in the training tests: softmax regression y = softmax(W·x)
// over the whole mini-batch, with the generated module's conventions (loss and gradients
// are sums over the batch; v = momentum·v + g; p -= lr·v). Small enough to check by hand.
import type { ModuleMeta, TrainableModel, TrainableModule } from '../../src/train/model.js';

export function linearModule(meta: ModuleMeta): TrainableModule & { instances: LinearModel[] } {
  const instances: LinearModel[] = [];
  class Model extends LinearModel {
    constructor(options?: { seed?: number }) {
      super(meta, options?.seed ?? 0);
      instances.push(this);
    }
  }
  return { meta, Model, instances };
}

export class LinearModel implements TrainableModel {
  readonly w: Float64Array;
  readonly g: Float64Array;
  readonly v: Float64Array;
  readonly x: Float64Array;
  readonly y: Float64Array;
  readonly K: number;
  readonly D: number;
  /** Every input block passed to forward, with its mode (for the padding test). */
  readonly calls: { training: boolean; input: number[] }[] = [];

  constructor(readonly meta: ModuleMeta, seed: number) {
    this.K = meta.output[0];
    this.D = meta.input[0] * meta.input[1] * meta.input[2];
    this.w = new Float64Array(this.K * this.D).map((_, i) => 0.01 * Math.sin(seed + i));
    this.g = new Float64Array(this.w.length);
    this.v = new Float64Array(this.w.length);
    this.x = new Float64Array(meta.batch * this.D);
    this.y = new Float64Array(meta.batch * this.K);
  }

  forward(input: ArrayLike<number>, options?: { training?: boolean }): Float64Array {
    const { K, D } = this;
    this.calls.push({ training: options?.training ?? true, input: Array.from(input) });
    this.x.set(input);
    for (let t = 0; t < this.meta.batch; t++) {
      let max = -Infinity;
      for (let k = 0; k < K; k++) {
        let s = 0;
        for (let d = 0; d < D; d++) s += this.w[k * D + d]! * this.x[t * D + d]!;
        this.y[t * K + k] = s;
        max = Math.max(max, s);
      }
      let sum = 0;
      for (let k = 0; k < K; k++) sum += (this.y[t * K + k] = Math.exp(this.y[t * K + k]! - max));
      for (let k = 0; k < K; k++) this.y[t * K + k]! /= sum;
    }
    return this.y;
  }

  backward(labels: ArrayLike<number>): number {
    const { K, D } = this;
    this.g.fill(0);
    let loss = 0;
    for (let t = 0; t < this.meta.batch; t++) {
      for (let k = 0; k < K; k++) {
        const z = labels[t * K + k]!;
        if (z) loss -= z * Math.log(this.y[t * K + k]!);
        const e = this.y[t * K + k]! - z;
        for (let d = 0; d < D; d++) this.g[k * D + d]! += e * this.x[t * D + d]!;
      }
    }
    return loss;
  }

  step({ lr, momentum = 0 }: { lr: number; momentum?: number }): void {
    for (let i = 0; i < this.w.length; i++) {
      this.v[i] = momentum * this.v[i]! + this.g[i]!;
      this.w[i]! -= lr * this.v[i]!;
    }
  }

  toJSON(): Record<string, Record<string, number[]>> {
    return { f: { w: Array.from(this.w) } };
  }

  loadJSON(weights: unknown): void {
    this.w.set((weights as { f: { w: number[] } }).f.w);
  }

  toBinary(): Uint8Array {
    return new Uint8Array(new Float64Array(this.w).buffer);
  }

  /** The one tensor, layer `f` key `w` (what training checks and restores). */
  param(layer: string, key: string): Float64Array {
    if (layer !== 'f' || key !== 'w') throw new Error(`no tensor ${layer}.${key}`);
    return this.w;
  }

  activation(layer: string): Float64Array {
    if (layer !== 'f') throw new Error(`no layer ${layer}`);
    return this.y;
  }

  loadBinary(bytes: ArrayBuffer | Uint8Array): void {
    const b = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
    this.w.set(new Float64Array(b.slice().buffer));
  }
}
