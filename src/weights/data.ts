// The data files of `cnnc run` (docs/formats.md): input X.json, labels Z.json and
// output sensitivity G.json, each a flat JSON array of numbers whose length the network fixes.
import type { CheckedNetwork } from '../model/checked.js';
import { size3 } from '../model/checked.js';
import { UserError } from '../errors.js';
import { describe, readJsonFile } from './read-json.js';
import { badNumber, firstBadNumber } from './values.js';

/** How far a labels row may sum from 1. */
export const LABEL_SUM_TOLERANCE = 1e-6;

/** A flat array of exactly `length` numbers, each finite within float32 (values.ts); `shape` explains the length in errors. */
export function numbersFromJson(value: unknown, length: number, shape: string, source: string): Float64Array {
  if (!Array.isArray(value)) throw new UserError(`${source}: expected a flat array of ${length} numbers (${shape}), got ${describe(value)}`);
  if (value.length !== length) throw new UserError(`${source}: expected ${length} numbers (${shape}), got ${value.length}`);
  const bad = value.findIndex((v) => typeof v !== 'number');
  if (bad >= 0) throw new UserError(`${source}: element ${bad} is not a number (got ${describe(value[bad])})`);
  // 1e999 parses as Infinity; 1e39 is finite in float64 but not in float32 (values.ts).
  const values = Float64Array.from(value as number[]);
  const wrong = firstBadNumber(values);
  if (wrong) throw new UserError(`${source}: element ${wrong.index} is ${badNumber(wrong.value)}${wrong.count > 1 ? ` (and ${wrong.count - 1} more)` : ''}`);
  return values;
}

const dims = (net: CheckedNetwork, s: { c: number; h: number; w: number }) => `T·C·H·W = ${net.batch}·${s.c}·${s.h}·${s.w}`;

export function inputFromJson(net: CheckedNetwork, value: unknown, source: string): Float64Array {
  return numbersFromJson(value, net.batch * size3(net.input), dims(net, net.input), source);
}

/** T rows of K = C·H·W numbers (the output block), each ≥ 0 and summing to 1 within 1e-6. */
export function labelsFromJson(net: CheckedNetwork, value: unknown, source: string): Float64Array {
  const K = size3(net.output);
  const z = numbersFromJson(value, net.batch * K, `T·K = ${net.batch}·${K}`, source);
  for (let t = 0; t < net.batch; t++) {
    let sum = 0;
    for (let k = 0; k < K; k++) {
      if (z[t * K + k] < 0) throw new UserError(`${source}: row ${t} (sample ${t}), element ${k} is ${z[t * K + k]}; labels must not be negative`);
      sum += z[t * K + k];
    }
    if (Math.abs(sum - 1) > LABEL_SUM_TOLERANCE) throw new UserError(`${source}: row ${t} (sample ${t}) sums to ${sum}, not 1 (each row of labels must sum to 1 within ${LABEL_SUM_TOLERANCE})`);
  }
  return z;
}

export function outSensFromJson(net: CheckedNetwork, value: unknown, source: string): Float64Array {
  return numbersFromJson(value, net.batch * size3(net.output), dims(net, net.output), source);
}

export const readInput = (path: string, net: CheckedNetwork) => inputFromJson(net, readJsonFile(path), path);
export const readLabels = (path: string, net: CheckedNetwork) => labelsFromJson(net, readJsonFile(path), path);
export const readOutSens = (path: string, net: CheckedNetwork) => outSensFromJson(net, readJsonFile(path), path);
