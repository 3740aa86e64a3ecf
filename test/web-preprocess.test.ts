// The web example's MNIST-style preprocessing (examples/web/preprocess.js), in Node.
import { describe, expect, it } from 'vitest';
import { inkFromRgba, toMnist } from '../examples/web/preprocess.js';
import { loadSplit, resolveDataDir } from '../src/train/data.js';

function canvas(w: number, h: number, paint: (x: number, y: number) => number): Float32Array {
  const a = new Float32Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) a[y * w + x] = paint(x, y);
  return a;
}

describe('MNIST-style preprocessing', () => {
  it('fits the ink into 20 pixels and puts its centre of mass on pixel (14, 14)', () => {
    // A solid 40×100 block at x 50..89, y 120..219 of a 280×280 pad: scale 20/100 = 0.2 → 8×20,
    // all ones. Its centre of mass, in pixel indices, is (3.5, 9.5); the shift to (14, 14)
    // is round(10.5) = 11 right and round(4.5) = 5 down (halves round up), so columns
    // 11..18 and rows 5..24 are 1 and everything else 0.
    const ink = canvas(280, 280, (x, y) => (x >= 50 && x < 90 && y >= 120 && y < 220 ? 1 : 0));
    const out = toMnist(ink, 280, 280)!;
    const expected = canvas(28, 28, (x, y) => (x >= 11 && x <= 18 && y >= 5 && y <= 24 ? 1 : 0));
    expect(Array.from(out).map((v) => Number(v.toFixed(6)))).toEqual(Array.from(expected));
  });

  it('averages areas when shrinking', () => {
    // Ink in the first and last columns of a 40×40 box (x 5 and 44, y 10..49): scale 0.5 →
    // 20×20. Output column 0 covers source columns 0 and 1, so it holds (1 + 0)/2 = 0.5, and
    // column 19 likewise; the rest is 0. Centre of mass (9.5, 9.5) → shift round(4.5) = 5.
    const ink = canvas(60, 60, (x, y) => (y >= 10 && y < 50 && (x === 5 || x === 44) ? 1 : 0));
    const out = toMnist(ink, 60, 60)!;
    const expected = canvas(28, 28, (x, y) => (y >= 5 && y <= 24 && (x === 5 || x === 24) ? 0.5 : 0));
    expect(Array.from(out).map((v) => Number(v.toFixed(6)))).toEqual(Array.from(expected));
  });

  it('returns null for an empty pad', () => {
    expect(toMnist(new Float32Array(100), 10, 10)).toBeNull();
  });

  it('reads dark ink on white from RGBA, blending transparency with white', () => {
    const rgba = Uint8ClampedArray.from([255, 255, 255, 255, 0, 0, 0, 255, 0, 0, 0, 0, 0, 0, 0, 51]);
    // White → 0; black → 1; transparent → white page → 0; black at alpha 0.2 → 0.2.
    expect(Array.from(inkFromRgba(rgba)).map((v) => Number(v.toFixed(6)))).toEqual([0, 1, 0, 0.2]);
  });

  it('almost reproduces an MNIST digit drawn ten times larger (the first 100 test digits)', () => {
    // MNIST digits were made by this very procedure, so re-processing one enlarged by
    // pixel replication should give back nearly the same image.
    const test = loadSplit(resolveDataDir('mnist'), 't10k', 100);
    for (let i = 0; i < 100; i++) {
      const big = canvas(280, 280, (x, y) => test.pixels[i * 784 + Math.floor(y / 10) * 28 + Math.floor(x / 10)]! / 255);
      const out = toMnist(big, 280, 280)!;
      let diff = 0;
      let ink = 0;
      for (let p = 0; p < 784; p++) {
        diff += Math.abs(out[p]! - test.pixels[i * 784 + p]! / 255);
        ink += test.pixels[i * 784 + p]! / 255;
      }
      expect(diff / ink).toBeLessThan(0.05);
    }
  });
});
