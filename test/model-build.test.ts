import { describe, expect, it } from 'vitest';
import { buildNetwork, pooledSize, defaultAnchor } from '../src/model/build.js';
import { initWeights, mulberry32 } from '../src/model/init.js';

describe('shape rules', () => {
  it('pools: floor and ceil sizes, including the clipped and dropped last pools', () => {
    expect(pooledSize(28, 2, 2, 'floor')).toBe(14);
    expect(pooledSize(7, 2, 2, 'floor')).toBe(3); // (7-2)/2 = 2.5 → 2, +1
    expect(pooledSize(7, 2, 2, 'ceil')).toBe(4); // last pool covers row 6 only
    expect(pooledSize(5, 3, 1, 'floor')).toBe(3);
    expect(pooledSize(1, 2, 2, 'floor')).toBeNull();
    expect(pooledSize(1, 2, 2, 'ceil')).toBe(1); // one pool clipped to the whole height
    // ceil((6-3)/4)+1 = 2 starts at 4 < 6: kept
    expect(pooledSize(6, 3, 4, 'ceil')).toBe(2);
    // ceil((5-4)/4)+1 = 2 would start at 4 < 5: kept; ceil((4-3)/4)+1 = 2 starts at 4 ≥ 4: dropped
    expect(pooledSize(5, 4, 4, 'ceil')).toBe(2);
    expect(pooledSize(4, 3, 4, 'ceil')).toBe(1);
  });

  it('default anchors', () => {
    expect(defaultAnchor(5, 5)).toEqual([2, 2]);
    expect(defaultAnchor(5, 6)).toEqual([2, 2]);
    expect(defaultAnchor(3, 3)).toEqual([1, 1]);
    expect(defaultAnchor(2, 1)).toEqual([0, 0]);
  });

  it('the LeNet of docs/language.md', () => {
    const net = buildNetwork({
      name: 'lenet', batch: 32, input: [1, 28, 28],
      layers: [
        { op: 'conv', name: 'c1', out: 6, kernel: [5, 5] }, { op: 'relu' },
        { op: 'pool', name: 'p1', size: [2, 2], stride: [2, 2] },
        { op: 'conv', name: 'c2', out: 16, kernel: [5, 6], anchor: [2, 1] }, { op: 'bn', name: 'n2' }, { op: 'relu' },
        { op: 'pool', name: 'p2', size: [2, 2], stride: [2, 2] },
        { op: 'full', name: 'f1', out: 120 }, { op: 'relu' }, { op: 'full', name: 'f2', out: 10 }, { op: 'softmax' },
      ],
    });
    expect(net.layers.map((l) => l.name)).toEqual(['c1', 'relu1', 'p1', 'c2', 'n2', 'relu2', 'p2', 'f1', 'relu3', 'f2', 'softmax1']);
    expect(net.layers.map((l) => [l.output.c, l.output.h, l.output.w])).toEqual([
      [6, 28, 28], [6, 28, 28], [6, 14, 14], [16, 14, 14], [16, 14, 14], [16, 14, 14], [16, 7, 7],
      [120, 1, 1], [120, 1, 1], [10, 1, 1], [10, 1, 1],
    ]);
    // params: 6·1·25 + 16·6·30 + 2·16·14·14 + 120·784 + 10·120
    expect(net.totals.params).toBe(150 + 2880 + 6272 + 94080 + 1200);
    // MACs: 6·1·784·25 + 16·6·196·30 + 120·784 + 10·120
    expect(net.totals.macs).toBe(117600 + 564480 + 94080 + 1200);
    expect(net.endsWithSoftmax).toBe(true);
  });
});

describe('seeded initialisation', () => {
  it('mulberry32 gives the published first values for seed 0', () => {
    const next = mulberry32(0);
    // first outputs of mulberry32(0) · 2^32, computed by the reference C implementation
    expect(Math.round(next() * 4294967296)).toBe(1144304738);
    expect(Math.round(next() * 4294967296)).toBe(1416247);
  });

  it('He-uniform stays within ±sqrt(6/fanIn) with variance near 2/fanIn', () => {
    const net = buildNetwork({ name: 'n', input: [3, 8, 8], layers: [{ op: 'conv', out: 64, kernel: [3, 3] }] });
    const w = initWeights(net, 7).conv1.w;
    const limit = Math.sqrt(6 / 27);
    let s2 = 0;
    for (const v of w) { expect(Math.abs(v)).toBeLessThan(limit); s2 += v * v; }
    expect(s2 / w.length).toBeGreaterThan(0.9 * 2 / 27);
    expect(s2 / w.length).toBeLessThan(1.1 * 2 / 27);
    expect(initWeights(net, 7).conv1.w).toEqual(w);
  });
});
