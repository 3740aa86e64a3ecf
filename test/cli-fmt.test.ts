// `cnnc fmt`: stdin to stdout, --write, --check, files with syntax errors, usage errors.
// Runs the built command (dist/src/cli/bin.js, `npm run build`) as a child process.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../dist/src/cli/bin.js', import.meta.url));
const run = (args: string[], input = '') => {
  const r = spawnSync(process.execPath, [bin, ...args], { input, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

const MESSY = 'network n{input shape=1x8x8 batch=2 # the input\nconv c out=4 kernel=3 anchor=( 1 , 1 ) relu}\n';
const TIDY = 'network n {\n  input  shape=1x8x8 batch=2  # the input\n  conv   c out=4 kernel=3 anchor=(1,1)\n  relu\n}\n';

let dir: string;
beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'cnnc-fmt-')); });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('cnnc fmt', { timeout: 180_000 }, () => {
  it('no file: stdin to stdout', () => {
    expect(run(['fmt'], MESSY)).toEqual({ code: 0, stdout: TIDY, stderr: '' });
  });

  it('FILE: the formatted text on stdout, the file untouched', () => {
    const f = join(dir, 'a.cnn');
    writeFileSync(f, MESSY);
    expect(run(['fmt', f])).toEqual({ code: 0, stdout: TIDY, stderr: '' });
    expect(readFileSync(f, 'utf8')).toBe(MESSY);
  });

  it('--check: exit 1 naming the files that would change, 0 when all are formatted; nothing written', () => {
    const messy = join(dir, 'm.cnn');
    const tidy = join(dir, 't.cnn');
    writeFileSync(messy, MESSY);
    writeFileSync(tidy, TIDY);
    const r = run(['fmt', '--check', tidy, messy]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`${messy}: not formatted (cnnc fmt --write ${messy})\n`);
    expect(readFileSync(messy, 'utf8')).toBe(MESSY);
    expect(run(['fmt', '--check', tidy])).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(run(['fmt', '--check'], MESSY).code).toBe(1);
    expect(run(['fmt', '--check'], TIDY).code).toBe(0);
  });

  it('--write rewrites the files that change, and a second run changes nothing', () => {
    const f = join(dir, 'w.cnn');
    writeFileSync(f, MESSY);
    expect(run(['fmt', '--write', f])).toEqual({ code: 0, stdout: '', stderr: `formatted ${f}\n` });
    expect(readFileSync(f, 'utf8')).toBe(TIDY);
    expect(run(['fmt', '--write', f])).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('a file with a syntax error: its diagnostics, exit 1, the file left alone', () => {
    const f = join(dir, 'bad.cnn');
    const text = 'network n {\n  input shape=1x8x8\n  conv c out=4 kernel=\n';
    writeFileSync(f, text);
    const r = run(['fmt', '--write', f]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${f}:4:1: error: unexpected end of file`);
    expect(r.stderr).toContain(`${f} not formatted`);
    expect(readFileSync(f, 'utf8')).toBe(text);
  });

  it('stdin over the file-size limit (1 MiB) is refused like a file: exit 1, E045', () => {
    const r = run(['fmt'], `${'#'.repeat(1_100_000)}\n${TIDY}`);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('cnnc fmt: standard input holds more than 1,048,576 bytes (maxSourceBytes); a model is a few kilobytes [E045]\n');
  });

  it('usage errors exit 2; a missing file exits 1', () => {
    expect(run(['fmt', '--write', '--check', 'x.cnn']).code).toBe(2);
    expect(run(['fmt', '--write'], MESSY).code).toBe(2);
    const r = run(['fmt', join(dir, 'none.cnn')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`cnnc: cannot read ${join(dir, 'none.cnn')}: no such file\n`);
  });
});
