// `cnnc summary`: shapes, parameter and multiply-add counts of the examples, computed here
// by hand from the formulas of docs/operations.md (conv C_r·C_l·M·N weights and C_r·C_l·H·W·M·N
// MACs; full C_r·K weights (+C_r bias) and C_r·K MACs; bn 2·C·H·W or 2·C; pool sizes
// ⌊(H-p)/s⌋+1 or ⌈(H-p)/s⌉+1).
import { describe, expect, it } from 'vitest';
import { cli } from './helpers/cli-frontend-capture.js';

type Row = [name: string, op: string, output: [number, number, number], params: number, macs: number];

function expected(name: string, batch: number, input: [number, number, number], rows: Row[]) {
  return {
    name, batch, input,
    layers: rows.map(([n, op, output, params, macs]) => ({ name: n, op, output, params, macs })),
    totals: { params: rows.reduce((a, r) => a + r[3], 0), macs: rows.reduce((a, r) => a + r[4], 0) },
  };
}

const lenet = expected('lenet', 32, [1, 28, 28], [
  ['c1', 'conv', [6, 28, 28], 6 * 1 * 5 * 5, 6 * 1 * 28 * 28 * 5 * 5],
  ['relu1', 'relu', [6, 28, 28], 0, 0],
  ['p1', 'pool', [6, 14, 14], 0, 0], // (28-2)/2+1
  ['c2', 'conv', [16, 14, 14], 16 * 6 * 5 * 6, 16 * 6 * 14 * 14 * 5 * 6],
  ['n2', 'bn', [16, 14, 14], 2 * 16 * 14 * 14, 0],
  ['relu2', 'relu', [16, 14, 14], 0, 0],
  ['p2', 'pool', [16, 7, 7], 0, 0],
  ['f1', 'full', [120, 1, 1], 120 * 16 * 7 * 7, 120 * 16 * 7 * 7],
  ['relu3', 'relu', [120, 1, 1], 0, 0],
  ['f2', 'full', [10, 1, 1], 10 * 120, 10 * 120],
  ['softmax1', 'softmax', [10, 1, 1], 0, 0],
]);

const vgg = expected('vgg', 32, [3, 32, 32], [
  ['c1', 'conv', [32, 32, 32], 32 * 3 * 9, 32 * 3 * 32 * 32 * 9],
  ['relu1', 'relu', [32, 32, 32], 0, 0],
  ['p1', 'pool', [32, 16, 16], 0, 0],
  ['c2', 'conv', [64, 16, 16], 64 * 32 * 9, 64 * 32 * 16 * 16 * 9],
  ['relu2', 'relu', [64, 16, 16], 0, 0],
  ['p2', 'pool', [64, 8, 8], 0, 0],
  ['c3', 'conv', [64, 8, 8], 64 * 64 * 9, 64 * 64 * 8 * 8 * 9],
  ['relu3', 'relu', [64, 8, 8], 0, 0],
  ['p3', 'pool', [64, 4, 4], 0, 0],
  ['fc', 'full', [10, 1, 1], 10 * 64 * 4 * 4, 10 * 64 * 4 * 4],
  ['softmax1', 'softmax', [10, 1, 1], 0, 0],
]);

const exotic = expected('exotic', 4, [2, 15, 14], [
  ['near', 'conv', [4, 15, 14], 4 * 2 * 2 * 3, 4 * 2 * 15 * 14 * 2 * 3],
  ['perpos', 'bn', [4, 15, 14], 2 * 4 * 15 * 14, 0],
  ['relu1', 'relu', [4, 15, 14], 0, 0],
  // rows ⌈(15-3)/2⌉+1 = 7 (last start 12 < 15); columns ⌈(14-3)/2⌉+1 = 7 (last start 12 < 14,
  // that pool clipped to columns 12..13), where floor would give 6
  ['over', 'pool', [4, 7, 7], 0, 0],
  ['tall', 'conv', [6, 7, 7], 6 * 4 * 4 * 1, 6 * 4 * 7 * 7 * 4 * 1],
  ['perchan', 'bn', [6, 7, 7], 2 * 6, 0],
  ['relu2', 'relu', [6, 7, 7], 0, 0],
  ['hidden', 'full', [16, 1, 1], 16 * 6 * 7 * 7 + 16, 16 * 6 * 7 * 7],
  ['relu3', 'relu', [16, 1, 1], 0, 0],
  ['logits', 'full', [5, 1, 1], 5 * 16, 5 * 16],
  ['softmax1', 'softmax', [5, 1, 1], 0, 0],
]);

describe('cnnc summary --json', () => {
  for (const [file, net] of [['examples/lenet.cnn', lenet], ['examples/vgg.cnn', vgg], ['examples/exotic.cnn', exotic]] as const) {
    it(file, async () => {
      const r = await cli('summary', file, '--json');
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout)).toEqual({ networks: [net] });
    });
  }

  it('the small VGG stays within about 8 million multiply-adds per sample', () => {
    expect(vgg.totals.macs).toBeLessThanOrEqual(8_000_000);
  });
});

describe('cnnc summary (table)', () => {
  it('has a row per layer and the totals', async () => {
    const r = await cli('summary', 'examples/lenet.cnn');
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('network lenet  (batch 32, input 1x28x28, output 10x1x1)');
    expect(lines[1].split(/\s+/)).toEqual(['layer', 'op', 'output', 'params', 'MACs/sample']);
    expect(lines.find((l) => l.startsWith('c2 '))!.split(/\s+/)).toEqual(['c2', 'conv', '16x14x14', '2,880', '564,480']);
    // 150 + 2,880 + 6,272 + 94,080 + 1,200 params; 117,600 + 564,480 + 94,080 + 1,200 MACs
    expect(lines[lines.length - 1].split(/\s+/)).toEqual(['total', '104,582', '777,360']);
  });

  it('a broken model: exit 1, diagnostics, no table', async () => {
    const r = await cli('summary', 'test/fixtures/frontend/broken-lenet.cnn');
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n')[0]).toBe(
      'test/fixtures/frontend/broken-lenet.cnn:10:18: error: pool p2: a 2x2 pool does not fit the 1x1 map it receives from relu2 [E030]');
  });
});
