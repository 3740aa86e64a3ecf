// Learning curves (CSV and SVG), the confusion matrix and the progress lines.
import { describe, expect, it } from 'vitest';
import { argmax, Confusion } from '../src/train/confusion.js';
import { CSV_HEADER, curvePaths, curvesCsv, curvesSvg, curvesTitle, niceTicks } from '../src/train/curves.js';
import type { EpochResult } from '../src/train/loop.js';
import { formatBatch, formatEpoch, Progress } from '../src/cli/progress.js';

const rows: EpochResult[] = [
  { epoch: 1, trainLoss: 0.5, trainAccuracy: 0.85, testLoss: 0.2, testAccuracy: 0.94, seconds: 10, imagesPerSecond: 6000, lr: 0.002 },
  { epoch: 2, trainLoss: 0.1, trainAccuracy: 0.97, testLoss: 0.08, testAccuracy: 0.975, seconds: 9.5, imagesPerSecond: 6315.8, lr: 0.002 },
  { epoch: 3, trainLoss: 0.05, trainAccuracy: 0.985, testLoss: 0.05, testAccuracy: 0.985, seconds: 9.25, imagesPerSecond: 6486.49, lr: 0.001 },
];

describe('curves', () => {
  it('writes one CSV row per epoch under a header', () => {
    expect(curvesCsv(rows)).toBe(
      `${CSV_HEADER}\n` +
        '1,0.5,0.85,0.2,0.94,10.000,6000.0,0.002\n' +
        '2,0.1,0.97,0.08,0.975,9.500,6315.8,0.002\n' +
        '3,0.05,0.985,0.05,0.985,9.250,6486.5,0.001\n',
    );
    // The lr after a decay carries float noise (0.000625 · 0.7); six significant digits remove it.
    expect(curvesCsv([{ ...rows[0]!, lr: 0.000625 * 0.7 }]).split('\n')[1]!.split(',')[7]).toBe('0.0004375');
    expect(CSV_HEADER).toBe('epoch,train_loss,train_accuracy,test_loss,test_accuracy,seconds,images_per_second,lr');
  });

  it('puts the curves beside the weights', () => {
    expect(curvePaths('out/lenet.bin')).toEqual({ svg: 'out/lenet.curves.svg', csv: 'out/lenet.curves.csv' });
    expect(curvePaths('w.json')).toEqual({ svg: 'w.curves.svg', csv: 'w.curves.csv' });
  });

  it('picks round ticks', () => {
    // (2.3 - 0) / 5 = 0.46 → step 0.5.
    expect(niceTicks(0, 2.3)).toEqual([0, 0.5, 1, 1.5, 2, 2.5]);
    // (100 - 93.5) / 5 = 1.3 → step 2, from 92.
    expect(niceTicks(93.5, 100)).toEqual([92, 94, 96, 98, 100]);
  });

  it('draws an SVG with two panels, axes, labels and one point per epoch and series', () => {
    const svg = curvesSvg(rows, 'lenet <mnist>');
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg).toContain('<title>lenet &lt;mnist&gt;</title>');
    for (const label of ['Loss per sample', 'Accuracy', 'cross-entropy', 'accuracy (%)', '>epoch<', '>training<', '>test<']) {
      expect(svg).toContain(label);
    }
    expect(svg.match(/<circle /g)).toHaveLength(2 * 2 * 3);
    expect(svg.match(/<polyline /g)).toHaveLength(4);
    expect(svg).toContain('best test accuracy 98.50%');
    // Tags balance: every element is either self-closed or closed.
    const opened = (svg.match(/<(svg|text)[ >]/g) ?? []).length;
    const closed = (svg.match(/<\/(svg|text)>/g) ?? []).length;
    expect(opened).toBe(closed);
    // The training-loss polyline falls (SVG y grows downwards): 0.5, 0.1, 0.05.
    const ys = svg.match(/<polyline[^>]*stroke="#1f77b4" stroke-width="2" points="([^"]+)"/)![1]!.split(' ').map((p) => Number(p.split(',')[1]));
    expect(ys[0]).toBeLessThan(ys[1]!);
    expect(ys[1]).toBeLessThan(ys[2]!);
  });

  it('draws a single epoch without dividing by zero', () => {
    const svg = curvesSvg(rows.slice(0, 1), 'one');
    expect(svg).not.toMatch(/NaN|Infinity/);
    expect(curvesSvg([], 'none')).not.toMatch(/NaN|Infinity/);
  });
});

describe('confusion matrix', () => {
  it('counts true class by predicted class', () => {
    const c = new Confusion(3);
    for (const [z, p] of [[0, 0], [0, 0], [0, 2], [1, 1], [2, 1], [2, 2]] as const) c.add(z, p);
    expect(c.rows()).toEqual([[2, 0, 1], [0, 1, 0], [0, 1, 1]]);
    expect(c.count).toBe(6);
    expect(c.correct).toBe(4);
    expect(c.accuracy).toBeCloseTo(4 / 6, 12);
    const text = c.format();
    // Row 0: 2 of 3 right → 66.7%; row 2: 1 of 2 → 50.0%.
    expect(text.split('\n')[2]).toBe(' 0  2 0 1    66.7%');
    expect(text.split('\n')[4]).toBe(' 2  0 1 1    50.0%');
  });

  it('argmax takes the first of equal maxima', () => {
    expect(argmax([0, 3, 1, 3], 0, 4)).toBe(1);
    expect(argmax([9, 0.1, 0.7, 0.2], 1, 3)).toBe(1);
  });
});

describe('progress', () => {
  it('prints plain lines when the stream is not a terminal', () => {
    const out: string[] = [];
    const stream = { isTTY: false, write: (s: string) => (out.push(s), true) } as unknown as NodeJS.WritableStream;
    const p = new Progress(stream);
    for (let b = 1; b <= 20; b++) p.batch({ epoch: 1, epochs: 2, batch: b, batches: 20, loss: 0.5, accuracy: 0.9, imagesPerSecond: 1234.4 });
    p.epoch(rows[0]!, 2);
    // About ten lines an epoch: every 2nd batch of 20.
    expect(out).toHaveLength(11);
    expect(out[0]).toBe('epoch 1/2 batch 2/20 loss 0.5000 acc 90.00% 1234 images/s\n');
    expect(out[10]).toBe('epoch 1/2: train loss 0.5000 acc 85.00% | test loss 0.2000 acc 94.00% | 10.0 s, 6000 images/s\n');
  });

  it('formats a batch and an epoch', () => {
    expect(formatBatch({ epoch: 3, epochs: 10, batch: 7, batches: 1875, loss: 0.12345, accuracy: 0.96875, imagesPerSecond: 5000.6 })).toBe(
      'epoch 3/10 batch 7/1875 loss 0.1235 acc 96.88% 5001 images/s',
    );
    expect(formatEpoch(rows[2]!, 3)).toContain('test loss 0.0500 acc 98.50%');
  });
});

describe('curves in the corners (issue 12, item 19)', () => {
  it('stopped in the first epoch: a note instead of empty axes with a meaningless accuracy range', () => {
    const svg = curvesSvg([], 'lenet: training on 480 images per epoch');
    expect(svg).toContain('No epoch finished');
    // no axes: no tick labels such as "99.5%" or "100%", no points, no "epoch" axis label
    expect(svg).not.toMatch(/%</);
    expect(svg).not.toContain('<circle');
    expect(svg).not.toContain('>epoch<');
    expect(svg).toContain('<title>lenet: training on 480 images per epoch</title>');
  });

  it('the title counts the images of whole batches: --limit 500 at batch 32 trains on 15 × 32 = 480', () => {
    expect(curvesTitle('lenet', 500, 32)).toBe('lenet: training on 480 images per epoch (15 whole batches of 32; 20 of the 500 images left out)');
    expect(curvesTitle('lenet', 480, 32)).toBe('lenet: training on 480 images per epoch');
  });
});
