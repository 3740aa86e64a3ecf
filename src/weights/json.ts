// The weights JSON of docs/formats.md: an object keyed by layer name, each an object of flat
// arrays keyed `w`, `b`, `gamma`, `beta`, `runningMean`, `runningVar` in the layouts of
// docs/operations.md. Loading reports every problem at once, each naming the layer, the key,
// and the expected and actual lengths.
import type { CheckedNetwork } from '../model/checked.js';
import type { Weights } from '../model/weights.js';
import { emptyWeights, nameRecord, own, put, tensorOf } from '../model/weights.js';
import { UserError } from '../errors.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { clipLines, nameForMessage } from '../util/clip.js';
import { describe, isRecord, readJsonFile } from './read-json.js';
import { refuseToWrite, tensorProblem } from './values.js';

/** Keys that may be left out of a file, and the value they then take. */
const OPTIONAL: Record<string, number> = { runningMean: 0, runningVar: 1 };

/**
 * Checks `value` against the network's parameter list and converts it to Weights; the
 * numbers then go through the check every weights format shares (values.ts: finite within
 * float32, no negative running variance). Names are looked up as own properties only.
 */
export function weightsFromJson(net: CheckedNetwork, value: unknown, source: string): Weights {
  if (!isRecord(value)) throw new UserError(`${source}: expected an object keyed by layer name, got ${describe(value)}`);
  const errors: string[] = [];
  const weights = emptyWeights();
  const known = new Map(net.layers.map((l) => [l.name, l]));
  const withWeights = net.layers.filter((l) => l.params.length).map((l) => nameForMessage(l.name));
  const listed = withWeights.length > 12 ? `${withWeights.slice(0, 12).join(', ')}, … (${withWeights.length} in all)` : withWeights.join(', ');
  for (const name of Object.keys(value))
    if (!known.has(name))
      errors.push(`unknown layer ${nameForMessage(name)} (network ${nameForMessage(net.name)} has ${listed || 'no layers with weights'})`);
  for (const layer of net.layers) {
    const given = own(value, layer.name);
    if (layer.params.length === 0) {
      // A layer without weights may appear as {} (some writers list every layer).
      if (given !== undefined && !(isRecord(given) && Object.keys(given).length === 0))
        errors.push(`layer ${layer.name}: a ${layer.op} layer has no weights, got ${describe(given)}`);
      continue;
    }
    const keys = layer.params.map((p) => p.key).join(', ');
    if (given === undefined) {
      errors.push(`layer ${layer.name}: missing (expected keys ${keys})`);
      continue;
    }
    if (!isRecord(given)) {
      errors.push(`layer ${layer.name}: expected an object with keys ${keys}, got ${describe(given)}`);
      continue;
    }
    for (const key of Object.keys(given))
      if (!layer.params.some((p) => p.key === key)) errors.push(`layer ${layer.name}, key ${nameForMessage(key)}: unknown key (expected keys ${keys})`);
    const tensors = nameRecord<Float64Array>();
    for (const p of layer.params) {
      const a = own(given, p.key);
      if (a === undefined) {
        const fill = own(OPTIONAL, p.key);
        if (fill !== undefined) tensors[p.key] = new Float64Array(p.size).fill(fill);
        else errors.push(`layer ${layer.name}, key ${p.key}: missing (expected ${p.size} numbers)`);
        continue;
      }
      if (!Array.isArray(a)) {
        errors.push(`layer ${layer.name}, key ${p.key}: expected an array of ${p.size} numbers, got ${describe(a)}`);
        continue;
      }
      if (a.length !== p.size) {
        errors.push(`layer ${layer.name}, key ${p.key}: expected ${p.size} numbers, got ${a.length}`);
        continue;
      }
      // Numbers that are not storable (1e999 parses as Infinity, 1e39 overflows float32) are
      // weightProblems' to report, in the same words as for the binary form.
      const bad = a.findIndex((v) => typeof v !== 'number');
      if (bad >= 0) {
        errors.push(`layer ${layer.name}, key ${p.key}: element ${bad} of ${p.size} is not a number (got ${describe(a[bad])})`);
        continue;
      }
      const values = Float64Array.from(a as number[]);
      const problem = tensorProblem(layer.name, p, values);
      if (problem) errors.push(problem);
      else tensors[p.key] = values;
    }
    put(weights, layer.name, tensors);
  }
  if (errors.length) throw new UserError(clipLines(errors.map((e) => `${source}: ${e}`)).join('\n'));
  return weights;
}

/**
 * Weights as the JSON object of docs/formats.md: layers and keys in storage order. Weights
 * that fail the shared check (a NaN, a number beyond float32, …) are refused, never written.
 */
export function weightsToJson(net: CheckedNetwork, weights: Weights): Record<string, Record<string, number[]>> {
  refuseToWrite(net, weights);
  const out = nameRecord<Record<string, number[]>>();
  for (const layer of net.layers) {
    if (layer.params.length === 0) continue;
    const tensors = nameRecord<number[]>();
    for (const p of layer.params) tensors[p.key] = Array.from(tensorOf(weights, layer.name, p.key)!);
    put(out, layer.name, tensors);
  }
  return out;
}

export function readWeightsJson(path: string, net: CheckedNetwork): Weights {
  return weightsFromJson(net, readJsonFile(path), path);
}

export function writeWeightsJson(path: string, net: CheckedNetwork, weights: Weights): void {
  writeFileAtomic(path, `${JSON.stringify(weightsToJson(net, weights))}\n`);
}
