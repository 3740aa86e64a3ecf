// Limits on the whole file (issue 12, item 10): the source size, the layers of all its
// networks, the kernel statements of all its networks; refused before the expensive work.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkSource, loadModel, readSource, DEFAULT_LIMITS } from '../src/frontend/index.js';
import { UserError } from '../src/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'cnnc-limits-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const net = (name: string, layers: number, line = '  relu') =>
  [`network ${name} {`, '  input shape=1x4x4 batch=2', ...Array.from({ length: layers }, () => line), '}'].join('\n');

describe('total layers (maxLayers, E044)', () => {
  it('500 layers pass; the 501st is an error at its own line, with both numbers', () => {
    expect(DEFAULT_LIMITS.maxLayers).toBe(500);
    expect(checkSource(`${net('a', 500)}\n`, 'a.cnn').diagnostics.filter((d) => d.code === 'E044')).toEqual([]);
    const { diagnostics, model } = checkSource(`${net('a', 6000)}\n`, 'a.cnn');
    expect(model).toBeUndefined();
    expect(diagnostics).toHaveLength(1);
    // lines 1-2 are "network" and "input": layer 501 is on line 503
    expect(diagnostics[0]).toMatchObject({
      code: 'E044',
      loc: { line: 503, column: 3, length: 4 },
      message: 'the file has 6,000 layers, more than the limit of 500 (maxLayers, all networks together); this is layer 501',
    });
  });

  it('counts all networks together, and no words inside comments', () => {
    const two = `${net('a', 300)}\n${net('b', 300)}\n`;
    expect(checkSource(two, 'x.cnn').diagnostics.map((d) => d.code)).toEqual(['E044']);
    const commented = `# conv relu pool full bn softmax ${'relu '.repeat(600)}\n${net('a', 3)}\n// ${'conv '.repeat(600)}\n`;
    const r = checkSource(commented, 'y.cnn');
    expect(r.diagnostics).toEqual([]);
    expect(r.model!.networks[0]!.layers).toHaveLength(3);
  });
});

describe('source size (maxSourceBytes, E045)', () => {
  it('a string over the limit is refused with its size', () => {
    const source = `${net('a', 1)}\n${'#'.repeat(100)}\n`;
    const { diagnostics } = checkSource(source, 's.cnn', { maxSourceBytes: 64 });
    expect(diagnostics.map((d) => [d.code, d.message])).toEqual([
      ['E045', `the file holds ${Buffer.byteLength(source)} bytes, more than the limit of 64 (maxSourceBytes); a model is a few kilobytes`],
    ]);
  });

  it('a file over the limit is refused without reading it, naming its size', () => {
    const path = join(dir, 'big.cnn');
    writeFileSync(path, ' '.repeat(2_000_000));
    expect(() => loadModel(path)).toThrow('the file holds 2,000,000 bytes, more than the limit of 1,048,576 (maxSourceBytes)');
  });

  it('/dev/zero is read only just past the limit, then refused', () => {
    let error: unknown;
    try {
      loadModel('/dev/zero');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toBe('cnnc: /dev/zero: the file holds more than the limit of 1,048,576 bytes (maxSourceBytes); a model is a few kilobytes [E045]');
    expect(() => readSource('/dev/zero', 10)).toThrow('more than the limit of 10 bytes');
  });

  it('read errors are in words', () => {
    expect(() => readSource(join(dir, 'none.cnn'))).toThrow(`cnnc: cannot read ${join(dir, 'none.cnn')}: no such file`);
    expect(() => readSource(dir)).toThrow(`cnnc: cannot read ${dir}: is a folder`);
  });
});

describe('kernel statements of the whole file (maxKernelStatements, E043)', () => {
  it('two networks each under the limit but over it together', () => {
    // estimate: conv 3x3 = 3·9 = 27, relu 20: 47 per network (docs/language.md, size limits)
    const one = (name: string) => [`network ${name} {`, '  input shape=1x4x4 batch=2', '  conv out=1 kernel=3x3', '  relu', '}'].join('\n');
    const source = `${one('a')}\n${one('b')}\n`;
    expect(checkSource(source, 'k.cnn', { maxKernelStatements: 94 }).diagnostics).toEqual([]);
    const { diagnostics } = checkSource(source, 'k.cnn', { maxKernelStatements: 93 });
    expect(diagnostics.map((d) => [d.code, d.loc.line, d.message])).toEqual([
      ['E043', 6, 'the networks of the file up to b would need about 94 kernel statements together, more than the limit of 93 (maxKernelStatements, for the whole file)'],
    ]);
  });
});
