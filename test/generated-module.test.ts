// The one loader of generated modules (src/engines/generated-module.ts): the three ways in
// give the same working module, foreign files are refused with the reason, and a network is
// compiled once per process whatever its source locations.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  compileAndImport, evaluateGeneratedSource, importGeneratedFile, importGeneratedSource, NotAGeneratedModuleError,
} from '../src/engines/generated-module.js';
import { compileNetwork } from '../src/emit/index.js';
import { forwardNetwork, initWeights } from '../src/interp/index.js';
import { buildNetwork } from '../src/model/build.js';

const dir = mkdtempSync(join(tmpdir(), 'cnnc-loader-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const net = buildNetwork({
  name: 'small', batch: 2, input: [1, 4, 4],
  layers: [{ op: 'conv', name: 'c', out: 2, kernel: [3, 3] }, { op: 'relu' }, { op: 'full', name: 'f', out: 3 }, { op: 'softmax' }],
});
const js = compileNetwork(net, { dtype: 'f64' }).js;
const input = Float64Array.from({ length: 2 * 16 }, (_, i) => Math.cos(i));
const expected = forwardNetwork(net, initWeights(net, 5), input, { training: false }).activations.at(-1)!;

describe('loading a generated module', () => {
  it('from source (data: URL), from source without a loader, and from a file: the same module', async () => {
    const file = join(dir, 'small.js');
    writeFileSync(file, js);
    for (const mod of [await importGeneratedSource(js), evaluateGeneratedSource(js), await importGeneratedFile(file)]) {
      expect(mod.meta.name).toBe('small');
      expect(mod.meta.layers.map((l) => l.op)).toEqual(['conv', 'relu', 'full', 'softmax']);
      expect(typeof mod.c_forward).toBe('function');
      const y = mod.createModel({ seed: 5 }).forward(input, { training: false });
      expect(Array.from(y).map((v, i) => Math.abs(v - expected[i]))).toSatisfy((d: number[]) => d.every((x) => x < 1e-12));
    }
  });

  it('refuses a missing file and a module cnnc did not generate, saying which', async () => {
    await expect(importGeneratedFile(join(dir, 'none.js'))).rejects.toMatchObject({ reason: 'missing' });
    const other = join(dir, 'other.mjs');
    writeFileSync(other, 'export const x = 1;\n');
    const e = await importGeneratedFile(other).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(NotAGeneratedModuleError);
    expect((e as NotAGeneratedModuleError).reason).toBe('not-generated');
    expect((e as Error).message).toContain('it exports no meta');
    expect(() => evaluateGeneratedSource(`import x from 'y';\n${js}`)).toThrow('the module imports something');
  });

  it('compiles a network once per process, whatever its source locations', async () => {
    const moved = JSON.parse(JSON.stringify(net, (k, v: unknown) => (k === 'loc' ? { line: 9, column: 9, offset: 99, length: 1 } : v)));
    const a = compileAndImport(net, { dtype: 'f64' });
    expect(compileAndImport(moved, { dtype: 'f64' })).toBe(a);
    expect(compileAndImport(net, { dtype: 'f32' })).not.toBe(a);
    expect((await a).meta.dtype).toBe('f64');
  });
});
