// The weights binary form of docs/formats.md: byte layout by hand, round trip through
// float32, and every check on load.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildNetwork } from '../src/model/build.js';
import { initWeights } from '../src/model/init.js';
import { UserError } from '../src/errors.js';
import { decodeWeightsBinary, encodeWeightsBinary, readWeightsFile, writeWeightsFile } from '../src/weights/index.js';

// name "tiny" (4 bytes, no padding); tensors f.w (2·1 = 2), f.b (2)
const tiny = buildNetwork({ name: 'tiny', batch: 1, input: [1, 1, 1], layers: [{ op: 'full', name: 'f', out: 2, bias: true }] });
const net = buildNetwork({
  name: 'lenetish', batch: 1, input: [1, 4, 4],
  layers: [{ op: 'conv', name: 'c1', out: 2, kernel: [3, 3] }, { op: 'bn', name: 'n', mode: 'channel' }, { op: 'full', name: 'f', out: 3 }],
});

function errorOf(bytes: Uint8Array): string {
  try {
    decodeWeightsBinary(net, bytes, 'W.bin');
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    return (e as Error).message;
  }
  throw new Error('no error');
}

describe('weights binary form', () => {
  it('byte layout: magic, version, name, count, lengths, float32 values', () => {
    const bytes = encodeWeightsBinary(tiny, { f: { w: Float64Array.from([1, -2]), b: Float64Array.from([0.5, 3]) } });
    // 4 magic + 4 version + 4 name length + 4 name + 4 count + 2·4 lengths + 4·4 values = 44
    expect(bytes.length).toBe(44);
    const v = new DataView(bytes.buffer);
    expect(String.fromCharCode(...bytes.subarray(0, 4))).toBe('CNNW');
    expect([v.getUint32(4, true), v.getUint32(8, true)]).toEqual([1, 4]);
    expect(String.fromCharCode(...bytes.subarray(12, 16))).toBe('tiny');
    expect([v.getUint32(16, true), v.getUint32(20, true), v.getUint32(24, true)]).toEqual([2, 2, 2]);
    expect([28, 32, 36, 40].map((o) => v.getFloat32(o, true))).toEqual([1, -2, 0.5, 3]);
  });

  it('the name is zero-padded to a multiple of 4', () => {
    const bytes = encodeWeightsBinary(net, initWeights(net, 1));
    // "lenetish" is 8 bytes: count at 12 + 8 = 20; tensors c1.w, n.gamma/beta/runningMean/runningVar, f.w
    expect(new DataView(bytes.buffer).getUint32(20, true)).toBe(6);
    // "abcde" (5 bytes) pads to 8: bytes 17..19 are 0 and the count is at 20 too
    const five = buildNetwork({ name: 'abcde', batch: 1, input: [1, 1, 1], layers: [{ op: 'full', out: 1 }] });
    const b5 = encodeWeightsBinary(five, initWeights(five, 1));
    expect(Array.from(b5.subarray(17, 20))).toEqual([0, 0, 0]);
    expect(new DataView(b5.buffer).getUint32(20, true)).toBe(1);
  });

  it('round trip: every tensor, state included, equal to float32 precision', () => {
    const w = initWeights(net, 9);
    w.n.runningMean = Float64Array.from([0.1, -0.2]);
    const dir = mkdtempSync(join(tmpdir(), 'cnnc-b-'));
    writeWeightsFile(join(dir, 'w.bin'), net, w);
    const back = readWeightsFile(join(dir, 'w.bin'), net);
    for (const layer of Object.keys(w))
      for (const key of Object.keys(w[layer])) expect(Array.from(back[layer][key])).toEqual(Array.from(w[layer][key], Math.fround));
  });

  it('a biased conv: b follows w in the tensor list, round trip', () => {
    const biased = buildNetwork({ name: 'cb', batch: 1, input: [1, 2, 2], layers: [{ op: 'conv', name: 'c', out: 2, kernel: [1, 1], bias: true }] });
    const bytes = encodeWeightsBinary(biased, { c: { w: Float64Array.from([1, 2]), b: Float64Array.from([-0.5, 4]) } });
    // 4 magic + 4 version + 4 name length + 4 name ("cb" padded) + 4 count + 2·4 lengths + 4·4 values = 44
    expect(bytes.length).toBe(44);
    const v = new DataView(bytes.buffer);
    expect([v.getUint32(16, true), v.getUint32(20, true), v.getUint32(24, true)]).toEqual([2, 2, 2]);
    expect([28, 32, 36, 40].map((o) => v.getFloat32(o, true))).toEqual([1, 2, -0.5, 4]);
    const back = decodeWeightsBinary(biased, bytes, 'W.bin');
    expect(Array.from(back.c.b)).toEqual([-0.5, 4]);
  });

  it('every check on load says which part is wrong', () => {
    const good = encodeWeightsBinary(net, initWeights(net, 1));
    const patched = (offset: number, value: number) => {
      const b = good.slice();
      new DataView(b.buffer).setUint32(offset, value, true);
      return b;
    };
    expect(errorOf(good.subarray(0, 8))).toBe('W.bin: too short for a weights file header (8 bytes)');
    expect(errorOf(patched(0, 0x4a534f4e))).toBe('W.bin: not a cnnc weights file (magic "NOSJ", expected "CNNW")');
    expect(errorOf(patched(4, 2))).toBe('W.bin: format version 2, expected 1');
    expect(errorOf(patched(8, 1000))).toBe(`W.bin: network name length 1000 runs past the end of the file (${good.length} bytes)`);
    const other = encodeWeightsBinary(tiny, { f: { w: new Float64Array(2), b: new Float64Array(2) } });
    expect(errorOf(other)).toBe('W.bin: weights of network "tiny", expected "lenetish"');
    expect(errorOf(patched(20, 4))).toBe('W.bin: 4 tensors, expected 6');
    // lengths at 24 (c1.w 18), 28 (n.gamma 2), ...
    expect(errorOf(patched(28, 3))).toBe('W.bin: layer n, key gamma: expected 2 numbers, got 3');
    // values: c1.w 18 + bn 4·2 + f.w 3·32 = 122; header 12 + 8 + 4 + 6·4 = 48; total 48 + 4·122 = 536
    expect(good.length).toBe(536);
    expect(errorOf(good.subarray(0, 532))).toBe('W.bin: 532 bytes, expected 536 (122 float32 values after a 48-byte header)');
  });
});
