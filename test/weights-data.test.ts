// The data files of `cnnc run`: input, labels (rows summing to 1 within 1e-6) and output
// sensitivity, with their lengths fixed by the network.
import { describe, expect, it } from 'vitest';
import { buildNetwork } from '../src/model/build.js';
import { UserError } from '../src/errors.js';
import { inputFromJson, labelsFromJson, outSensFromJson } from '../src/weights/index.js';

// T = 2, input 1×2×2 (8 numbers), output 3×1×1 (6 numbers)
const net = buildNetwork({ name: 'd', batch: 2, input: [1, 2, 2], layers: [{ op: 'full', out: 3 }, { op: 'softmax' }] });

const message = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    return (e as Error).message;
  }
  throw new Error('no error');
};

describe('data files', () => {
  it('input: T·C·H·W numbers', () => {
    expect(Array.from(inputFromJson(net, [1, 2, 3, 4, 5, 6, 7, 8], 'X.json'))).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(message(() => inputFromJson(net, [1, 2, 3], 'X.json'))).toBe('X.json: expected 8 numbers (T·C·H·W = 2·1·2·2), got 3');
    expect(message(() => inputFromJson(net, { x: 1 }, 'X.json'))).toBe('X.json: expected a flat array of 8 numbers (T·C·H·W = 2·1·2·2), got an object');
    expect(message(() => inputFromJson(net, [1, 2, 3, [4], 5, 6, 7, 8], 'X.json'))).toBe('X.json: element 3 is not a number (got an array of 1)');
  });

  it('labels: one-hot and soft rows; a row off by more than 1e-6 is named', () => {
    expect(Array.from(labelsFromJson(net, [0, 1, 0, 0.2, 0.3, 0.5], 'Z.json'))).toEqual([0, 1, 0, 0.2, 0.3, 0.5]);
    // within tolerance: 1 + 5e-7
    labelsFromJson(net, [0, 1, 0, 0.2, 0.3, 0.5000005], 'Z.json');
    expect(message(() => labelsFromJson(net, [0, 1, 0, 0.2, 0.3, 0.6], 'Z.json'))).toMatch(/^Z\.json: row 1 \(sample 1\) sums to 1\.1\d*, not 1/);
    expect(message(() => labelsFromJson(net, [-0.5, 1.5, 0, 0, 0, 1], 'Z.json'))).toBe('Z.json: row 0 (sample 0), element 0 is -0.5; labels must not be negative');
    expect(message(() => labelsFromJson(net, [0, 1, 0], 'Z.json'))).toBe('Z.json: expected 6 numbers (T·K = 2·3), got 3');
  });

  it('output sensitivity: shaped like the output', () => {
    expect(outSensFromJson(net, [1, 2, 3, 4, 5, 6], 'G.json').length).toBe(6);
    expect(message(() => outSensFromJson(net, [1, 2, 3, 4, 5, 6, 7], 'G.json'))).toBe('G.json: expected 6 numbers (T·C·H·W = 2·3·1·1), got 7');
  });
});
