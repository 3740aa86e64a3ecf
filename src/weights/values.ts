// The one rule for every number cnnc reads as model data (weights in any format, inputs,
// labels, output sensitivities, IDX images): it must be finite *as a float32*, that is
// |x| ≤ 3.4028234663852886e38 (FLOAT32_MAX). A number beyond it is finite in the float64
// interpreter but Infinity in a float32 module, so the two engines would compute different
// things from the same file; it is refused, with its index, whatever the engine or dtype.
// Weights add one rule of their own: a bn running variance must not be negative.
import type { CheckedNetwork, ParamSpec } from '../model/checked.js';
import type { Weights } from '../model/weights.js';
import { layerTensors, own } from '../model/weights.js';
import { clipLines, nameForMessage } from '../util/clip.js';
import { UserError } from '../errors.js';

/** The largest finite float32, 2^128 − 2^104. */
export const FLOAT32_MAX = 3.4028234663852886e38;

/** True when `x` is a number every engine can hold: finite and within ±FLOAT32_MAX. */
export const isStorable = (x: number): boolean => Math.abs(x) <= FLOAT32_MAX;

/**
 * Whether every number of `a` is finite and within ±max, fast: the training loop checks the
 * weights after every step. float32 arrays hold nothing beyond float32, so only NaN and
 * ±Infinity can be wrong there, and x·0 is 0 for every other x: a sum of x·0 over a loop
 * that sees only Float32Arrays (V8 keeps it monomorphic) finds them. Self-contained: the
 * worker threads print it into their source (src/train/parallel.ts).
 */
export function storableWithin(a: ArrayLike<number>, max: number): boolean {
  if (a instanceof Float32Array) {
    // Four independent sums: one chain of dependent additions would be bound by their latency.
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    const n = a.length & ~3;
    let i = 0;
    for (; i < n; i += 4) { s0 += a[i]! * 0; s1 += a[i + 1]! * 0; s2 += a[i + 2]! * 0; s3 += a[i + 3]! * 0; }
    for (; i < a.length; i++) s0 += a[i]! * 0;
    return s0 + s1 + s2 + s3 === 0;
  }
  for (let i = 0; i < a.length; i++) if (!(Math.abs(a[i]!) <= max)) return false;
  return true;
}

/** Whether every number of a tensor is storable (firstBadNumber then says where). */
export const allStorable = (a: ArrayLike<number>): boolean => storableWithin(a, FLOAT32_MAX);

/** What is wrong with `x` (NaN, an infinity, beyond float32), or null when it is storable. */
export function badNumber(x: number): string | null {
  if (isStorable(x)) return null;
  if (Number.isNaN(x) || !Number.isFinite(x)) return String(x);
  return `${x}, beyond the float32 range (|x| ≤ ${FLOAT32_MAX})`;
}

/** The first index of `a` holding a number that is not storable, and how many there are; null when none. */
export function firstBadNumber(a: ArrayLike<number>): { index: number; value: number; count: number } | null {
  let index = -1;
  let count = 0;
  for (let i = 0; i < a.length; i++) {
    if (!isStorable(a[i])) {
      if (index < 0) index = i;
      count++;
    }
  }
  return index < 0 ? null : { index, value: a[index], count };
}

const more = (count: number): string => (count > 1 ? ` (and ${count - 1} more in this tensor)` : '');

/**
 * What is wrong with one tensor of a layer, or null: a wrong length, a number that is not
 * storable (NaN, ±Infinity, beyond float32), a negative bn running variance. The one check
 * of weight values behind every weights format (JSON, binary, the files train and eval
 * load) and before any weights are written.
 */
export function tensorProblem(layer: string, spec: Pick<ParamSpec, 'key' | 'size'>, a: ArrayLike<number>): string | null {
  const where = `layer ${nameForMessage(layer)}, key ${spec.key}`;
  if (a.length !== spec.size) return `${where}: expected ${spec.size} numbers, got ${a.length}`;
  const bad = firstBadNumber(a);
  if (bad) return `${where}: element ${bad.index} of ${spec.size} is ${badNumber(bad.value)}${more(bad.count)}`;
  if (spec.key === 'runningVar') {
    let index = -1;
    let count = 0;
    for (let i = 0; i < a.length; i++) if (a[i] < 0 && count++ === 0) index = i;
    if (index >= 0) return `${where}: element ${index} of ${spec.size} is ${a[index]}; a variance cannot be negative${more(count)}`;
  }
  return null;
}

/** Every problem of in-memory weights against the network, one line each (without the file name). */
export function weightProblems(net: CheckedNetwork, weights: Weights): string[] {
  const problems: string[] = [];
  for (const layer of net.layers) {
    const tensors = layerTensors(weights, layer.name);
    for (const p of layer.params) {
      const a = own(tensors, p.key);
      const problem = a === undefined ? `layer ${nameForMessage(layer.name)}, key ${p.key}: missing (expected ${p.size} numbers)` : tensorProblem(layer.name, p, a);
      if (problem) problems.push(problem);
    }
  }
  return problems;
}

/** Throws a UserError listing (at most 20 of) the problems, each line starting with `source`. */
export function validateWeights(net: CheckedNetwork, weights: Weights, source: string): Weights {
  const problems = weightProblems(net, weights);
  if (problems.length) throw new UserError(clipLines(problems.map((p) => `${source}: ${p}`)).join('\n'));
  return weights;
}

/** Throws a UserError when `weights` fail the shared check: nothing non-finite is ever written. */
export function refuseToWrite(net: CheckedNetwork, weights: Weights): void {
  validateWeights(net, weights, 'weights not written');
}
