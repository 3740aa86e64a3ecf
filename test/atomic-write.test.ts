// Builds are all-or-nothing: files are staged under temporary names and renamed only when
// every one was written; a wrong model or an unwritable target leaves the old files intact.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFilesAtomic } from '../src/util/atomic-write.js';
import { build } from '../src/cli/commands/build.js';
import { UserError } from '../src/errors.js';

let dir: string;
beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'cnnc-atomic-')); });
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const MODEL = `network tiny {\n  input shape=1x4x4 batch=2\n  conv c1 out=2 kernel=3x3\n  relu\n  full f1 out=3\n  softmax\n}\n`;
const quiet = () => {};

describe('atomic writes', () => {
  it('writeFilesAtomic: when one file cannot be staged, none is replaced and no temporary is left', () => {
    writeFileSync(join(dir, 'a.js'), 'old a');
    writeFileSync(join(dir, 'blocker'), 'a file where a directory is needed');
    expect(() => writeFilesAtomic([
      { path: join(dir, 'a.js'), data: 'new a' },
      { path: join(dir, 'blocker', 'b.js'), data: 'new b' },
    ])).toThrow();
    expect(readFileSync(join(dir, 'a.js'), 'utf8')).toBe('old a');
    expect(readdirSync(dir).sort()).toEqual(['a.js', 'blocker']);
  });

  it('a build replaces all four files of every network', () => {
    writeFileSync(join(dir, 'm.cnn'), MODEL);
    const out = join(dir, 'out');
    build(join(dir, 'm.cnn'), { out, dtype: 'f32' }, quiet);
    expect(readdirSync(out).sort()).toEqual(['tiny.d.ts', 'tiny.js', 'tiny.test.ts', 'tiny.ts']);
    expect(readFileSync(join(out, 'tiny.js'), 'utf8')).toContain('export class Model');
  });

  it('a model with errors writes nothing and leaves the old module', () => {
    const out = join(dir, 'out');
    mkdirSync(out);
    writeFileSync(join(out, 'tiny.js'), 'old module');
    writeFileSync(join(dir, 'bad.cnn'), MODEL.replace('kernel=3x3', 'kernal=3x3'));
    expect(() => build(join(dir, 'bad.cnn'), { out, dtype: 'f32' }, quiet)).toThrow(UserError);
    expect(readdirSync(out)).toEqual(['tiny.js']);
    expect(readFileSync(join(out, 'tiny.js'), 'utf8')).toBe('old module');
  });

  it('an unwritable output directory is a clear error and creates nothing', () => {
    writeFileSync(join(dir, 'm.cnn'), MODEL);
    writeFileSync(join(dir, 'out'), 'not a directory');
    expect(() => build(join(dir, 'm.cnn'), { out: join(dir, 'out'), dtype: 'f32' }, quiet)).toThrow(/cannot write the modules into/);
    expect(readdirSync(dir).sort()).toEqual(['m.cnn', 'out']);
  });

  it('a wrong --dtype is a usage error (exit 2)', () => {
    writeFileSync(join(dir, 'm.cnn'), MODEL);
    try {
      build(join(dir, 'm.cnn'), { out: join(dir, 'o'), dtype: 'f16' }, quiet);
      expect.fail('no error');
    } catch (e) {
      expect((e as UserError).exitCode).toBe(2);
      expect((e as Error).message).toBe('cnnc: --dtype must be f32 or f64, got "f16"');
    }
  });
});
