// `cnnc run` on a network without softmax prints no "predicted:" classes: an index of the
// largest output means nothing there (issue 12, item 19).
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkSource } from '../src/frontend/index.js';
import { runNetwork } from '../src/cli/commands/run.js';

const dir = mkdtempSync(join(tmpdir(), 'cnnc-run-nosoftmax-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('run without softmax', () => {
  it('prints the output block shape instead of predicted classes', async () => {
    const { model } = checkSource('network r {\n  input shape=1x2x2 batch=2\n  relu\n}\n', 'r.cnn');
    const input = join(dir, 'x.json');
    writeFileSync(input, JSON.stringify([1, -2, 3, -4, 5, -6, 7, -8]));
    const lines: string[] = [];
    await runNetwork(model!.networks[0]!, { engine: 'interpreter', seed: 1, input, mode: 'train' }, (l) => lines.push(l));
    expect(lines.some((l) => l.startsWith('predicted:'))).toBe(false);
    expect(lines).toContain('output: 2x1x2x2 block (no softmax, so no predicted class; --trace writes it)');
  });

  it('a network ending in softmax still prints the predicted classes', async () => {
    const { model } = checkSource('network s {\n  input shape=2x1x1 batch=2\n  softmax\n}\n', 's.cnn');
    const input = join(dir, 'y.json');
    // sample 0 prefers class 1, sample 1 class 0
    writeFileSync(input, JSON.stringify([0, 1, 3, 2]));
    const lines: string[] = [];
    await runNetwork(model!.networks[0]!, { engine: 'interpreter', seed: 1, input, mode: 'train' }, (l) => lines.push(l));
    expect(lines).toContain('predicted: 1 0');
  });
});
