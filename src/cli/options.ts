// Command-line values shared by `cnnc train` and `cnnc eval`, checked with messages that
// name the option (UsageError, exit 2). The library (src/train/) takes them typed.
import { UsageError, UserError } from '../errors.js';
import type { CheckedModel, CheckedNetwork } from '../model/checked.js';
import { defaultTarget } from '../lower/index.js';

export function positiveInt(option: string, value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1) {
    throw new UsageError(`${option} ${value}: expected a whole number of at least 1`);
  }
  return n;
}

export function seedValue(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n > 0xffffffff) throw new UsageError(`--seed ${value}: expected a whole number from 0 to 4294967295`);
  return n;
}

export function numberIn(option: string, value: string, lo: number, hi: number, loOpen = false): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < lo || n > hi || (loOpen && n === lo)) {
    throw new UsageError(`${option} ${value}: expected a number ${loOpen ? 'above' : 'from'} ${lo} ${loOpen ? 'and up to' : 'to'} ${hi}`);
  }
  return n;
}

export function dtypeValue(value: string): 'f32' | 'f64' {
  if (value !== 'f32' && value !== 'f64') throw new UsageError(`--dtype ${value}: expected f32 or f64`);
  return value;
}

/** `--target`: wasm or js; default wasm, js with f64 (WebAssembly kernels are float32). */
export function targetValue(value: string | undefined, dtype: 'f32' | 'f64'): 'js' | 'wasm' {
  const target = value ?? defaultTarget(dtype);
  if (target !== 'js' && target !== 'wasm') throw new UsageError(`--target ${target}: expected wasm or js`);
  if (target === 'wasm' && dtype === 'f64') throw new UsageError('--target wasm is float32 only; use --target js for --dtype f64');
  return target;
}

/** The network named by `--network`, or the file's first. */
export function pickNetwork(model: CheckedModel, name?: string): CheckedNetwork {
  if (name === undefined) return model.networks[0]!;
  const net = model.networks.find((n) => n.name === name);
  if (!net) {
    throw new UserError(`${model.file}: no network ${name} (the file has ${model.networks.map((n) => n.name).join(', ')})`);
  }
  return net;
}

/**
 * `--workers N` of train and eval: by default every core (one when `--module` gives a
 * prebuilt module, which has no shard builds); more than one with `--module` is a usage error.
 */
export function workersValue(value: string | undefined, modulePath: string | undefined, cores: number): number {
  if (value === undefined) return modulePath ? 1 : cores;
  const n = positiveInt('--workers', value);
  if (n > 1 && modulePath) {
    throw new UsageError(`--workers ${value} with --module: several workers run shard builds compiled from the .cnn file; drop --module, or give --workers 1`);
  }
  return n;
}
