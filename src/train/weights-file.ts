// Weights files of `cnnc train` / `cnnc eval`, by extension: `.json` is the weights JSON of
// docs/formats.md, anything else the binary form of the same page. Both are read and
// written by the generated module itself, which checks every name and length on load.
import { readFileSync } from 'node:fs';
import { UserError } from '../errors.js';
import type { TrainableModel } from './model.js';

const isJson = (path: string): boolean => /\.json$/i.test(path);

export function weightsBytes(model: TrainableModel, path: string): string | Uint8Array {
  return isJson(path) ? `${JSON.stringify(model.toJSON())}\n` : model.toBinary();
}

export function loadWeightsFile(model: TrainableModel, path: string): void {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new UserError(`${path}: cannot read the weights: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  try {
    if (isJson(path)) model.loadJSON(JSON.parse(bytes.toString('utf8')));
    else model.loadBinary(bytes);
  } catch (e) {
    throw new UserError(`${path}: ${(e as Error).message}`);
  }
}
