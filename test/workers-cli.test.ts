// `cnnc train --workers N` and `cnnc eval --workers N` (issue 13), in process: the same
// training as one worker within float rounding, the same evaluation, the options' errors,
// and a worker that dies mid-run: exit 1, a message naming it, the last saved weights intact.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cli } from './helpers/cli-frontend-capture.js';

const tmp = mkdtempSync(join(tmpdir(), 'cnnc-workers-cli-'));

/** The command in process (test/helpers/cli-frontend-capture.ts), as { code, out, err }. */
async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const r = await cli(...args);
  process.exitCode = undefined;
  return { code: r.code, out: r.stdout, err: r.stderr };
}

afterEach(() => {
  delete process.env.CNNC_WORKER_FAULT;
  process.exitCode = undefined;
});

/** The float32 numbers of a weights binary after its header (docs/formats.md). */
function numbers(path: string): Float32Array {
  const b = readFileSync(path);
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const nameLength = view.getUint32(8, true);
  let o = 12 + ((nameLength + 3) & ~3);
  const count = view.getUint32(o, true);
  o += 4 + 4 * count;
  return new Float32Array(b.buffer.slice(b.byteOffset + o, b.byteOffset + b.byteLength));
}

const TRAIN = ['train', 'examples/lenet.cnn', '--data', 'mnist', '--limit', '160', '--epochs', '2'];

describe('cnnc train --workers', () => {
  it('trains what one worker trains, within float rounding, with 2 and 3 workers', async () => {
    const files = [1, 2, 3].map((n) => join(tmp, `w${n}.bin`));
    for (const [i, n] of [1, 2, 3].entries()) {
      const r = await run([...TRAIN, '--workers', String(n), '--out', files[i]!]);
      expect(r.err).not.toMatch(/internal error/);
      expect(r.code).toBe(0);
      expect(r.err).toContain(n === 1 ? ', 1 worker' : `, ${n} workers`);
      expect(r.out).toMatch(/^trained 2 epochs in [\d.]+ s \(320 images, \d+ images\/s overall\)$/m);
    }
    const [one, ...many] = files.map(numbers);
    const scale = Math.max(...Array.from(one!, Math.abs));
    for (const w of many) {
      expect(w.length).toBe(one!.length);
      let worst = 0;
      for (let i = 0; i < w.length; i++) worst = Math.max(worst, Math.abs(w[i]! - one![i]!));
      // 10 SGD steps with momentum; f32 sums in another order.
      expect(worst).toBeLessThan(1e-3 * scale);
    }
  }, 120_000);

  it('evaluates as one worker does', async () => {
    const w = join(tmp, 'w1.bin');
    const args = ['eval', 'examples/lenet.cnn', '--weights', w, '--data', 'mnist', '--limit', '200', '--json'];
    const one = await run([...args, '--workers', '1']);
    const two = await run([...args, '--workers', '2']);
    expect(one.code).toBe(0);
    expect(two.code).toBe(0);
    expect(JSON.parse(two.out)).toEqual(JSON.parse(one.out));
  }, 60_000);

  it('refuses --workers 0 and several workers with --module (exit 2)', async () => {
    const zero = await run([...TRAIN, '--workers', '0']);
    expect(zero.code).toBe(2);
    expect(zero.err).toMatch(/--workers 0: expected a whole number of at least 1/);
    const mod = await run(['eval', 'examples/lenet.cnn', '--weights', 'x.bin', '--data', 'mnist', '--module', 'generated/lenet.js', '--workers', '2']);
    expect(mod.code).toBe(2);
    expect(mod.err).toMatch(/--workers 2 with --module: several workers run shard builds/);
  });

  it('stops with exit 1 when a worker dies, naming it, and keeps the weights saved after the last epoch', async () => {
    const start = join(tmp, 'start.bin');
    const expected = join(tmp, 'expected.bin');
    const out = join(tmp, 'crash.bin');
    expect((await run([...TRAIN, '--epochs', '1', '--workers', '2', '--out', start])).code).toBe(0);
    // What epoch 1 from these weights saves (the run is deterministic).
    expect((await run([...TRAIN, '--epochs', '1', '--workers', '2', '--weights', start, '--out', expected])).code).toBe(0);
    // Epoch 1 is 5 training steps (one command each) and 5 test batches: the 13th command is in epoch 2.
    process.env.CNNC_WORKER_FAULT = '1:13';
    const r = await run([...TRAIN, '--workers', '2', '--weights', start, '--out', out]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/training stopped: worker 2 of 2 stopped: it exited with code 3; the weights saved after epoch 1 are in /);
    expect(r.err).not.toMatch(/\n\s+at /); // no stack trace
    expect(readFileSync(out).equals(readFileSync(expected))).toBe(true);
  }, 60_000);
});
