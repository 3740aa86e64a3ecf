// The weights binary form of docs/formats.md, little-endian: magic `CNNW`, u32
// version 1, u32 name length L, the UTF-8 name zero-padded to a multiple of 4, u32 tensor
// count N, N × u32 tensor lengths, then every value as float32. Tensors are every layer's
// params (state included), layers in order, keys in params order.
import { readFileSync } from 'node:fs';
import type { CheckedNetwork } from '../model/checked.js';
import type { Weights } from '../model/weights.js';
import { emptyWeights, layerEntry, tensorOf } from '../model/weights.js';
import { UserError } from '../errors.js';
import { describeFsError } from '../util/fs-errors.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { quoteClipped } from '../util/clip.js';
import { refuseToWrite, validateWeights } from './values.js';

export const MAGIC = 'CNNW';
export const VERSION = 1;

// Arithmetic, not `(n + 3) & ~3`: that wraps to 0 for a u32 length near 2^32.
const pad4 = (n: number) => Math.ceil(n / 4) * 4;

/** Every tensor of the network in file order, with a name for messages. */
function tensorList(net: CheckedNetwork) {
  return net.layers.flatMap((layer) => layer.params.map((p) => ({ layer: layer.name, key: p.key, size: p.size })));
}

/** The binary form of `weights`; weights failing the shared check (values.ts) are refused, never written. */
export function encodeWeightsBinary(net: CheckedNetwork, weights: Weights): Uint8Array {
  refuseToWrite(net, weights);
  const name = new TextEncoder().encode(net.name);
  const tensors = tensorList(net);
  const values = tensors.reduce((a, t) => a + t.size, 0);
  const bytes = new Uint8Array(12 + pad4(name.length) + 4 + 4 * tensors.length + 4 * values);
  const view = new DataView(bytes.buffer);
  bytes.set(new TextEncoder().encode(MAGIC), 0);
  view.setUint32(4, VERSION, true);
  view.setUint32(8, name.length, true);
  bytes.set(name, 12);
  let o = 12 + pad4(name.length);
  view.setUint32(o, tensors.length, true);
  o += 4;
  for (const t of tensors) {
    view.setUint32(o, t.size, true);
    o += 4;
  }
  for (const t of tensors) {
    const a = tensorOf(weights, t.layer, t.key)!;
    for (let e = 0; e < t.size; e++, o += 4) view.setFloat32(o, a[e], true);
  }
  return bytes;
}

/**
 * Reads the binary form, checking magic, version, name, count, each length and the total
 * size, then the values with the check every weights format shares (values.ts: finite
 * within float32, no negative running variance).
 */
export function decodeWeightsBinary(net: CheckedNetwork, data: ArrayBuffer | Uint8Array, source: string): Weights {
  const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const fail = (what: string): never => {
    throw new UserError(`${source}: ${what}`);
  };
  if (bytes.length < 12) fail(`too short for a weights file header (${bytes.length} bytes)`);
  const magic = new TextDecoder().decode(bytes.subarray(0, 4));
  if (magic !== MAGIC) fail(`not a cnnc weights file (magic ${quoteClipped(magic)}, expected "${MAGIC}")`);
  const version = view.getUint32(4, true);
  if (version !== VERSION) fail(`format version ${version}, expected ${VERSION}`);
  const nameLength = view.getUint32(8, true);
  if (12 + pad4(nameLength) + 4 > bytes.length) fail(`network name length ${nameLength} runs past the end of the file (${bytes.length} bytes)`);
  const name = new TextDecoder().decode(bytes.subarray(12, 12 + nameLength));
  if (name !== net.name) fail(`weights of network ${quoteClipped(name)}, expected ${quoteClipped(net.name)}`);
  let o = 12 + pad4(nameLength);
  const tensors = tensorList(net);
  const count = view.getUint32(o, true);
  o += 4;
  if (count !== tensors.length) fail(`${count} tensors, expected ${tensors.length}`);
  if (o + 4 * count > bytes.length) fail(`file ends inside the tensor lengths (${bytes.length} bytes)`);
  for (const t of tensors) {
    const length = view.getUint32(o, true);
    o += 4;
    if (length !== t.size) fail(`layer ${t.layer}, key ${t.key}: expected ${t.size} numbers, got ${length}`);
  }
  const values = tensors.reduce((a, t) => a + t.size, 0);
  if (bytes.length !== o + 4 * values) fail(`${bytes.length} bytes, expected ${o + 4 * values} (${values} float32 values after a ${o}-byte header)`);
  const weights = emptyWeights();
  for (const t of tensors) {
    const a = new Float64Array(t.size);
    for (let e = 0; e < t.size; e++, o += 4) a[e] = view.getFloat32(o, true);
    layerEntry(weights, t.layer)[t.key] = a;
  }
  return validateWeights(net, weights, source);
}

export function readWeightsBinary(path: string, net: CheckedNetwork): Weights {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new UserError(`cannot read ${path}: ${describeFsError(e)}`);
  }
  return decodeWeightsBinary(net, bytes, path);
}

export function writeWeightsBinary(path: string, net: CheckedNetwork, weights: Weights): void {
  writeFileAtomic(path, encodeWeightsBinary(net, weights));
}
