// The command word: typos get a did-you-mean instead of being read as a model path (build
// is the default command), a bare `cnnc` prints the help, and `cnnc MODEL.cnn` still builds
// (issue 12, item 15).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from './helpers/cli-frontend-capture.js';

let dir: string;
beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'cnnc-cmd-')); });
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const MODEL = 'network m {\n  input shape=1x2x2\n  relu\n}\n';

describe('command words', () => {
  it('a mistyped command is a usage error naming the command it resembles', async () => {
    writeFileSync(join(dir, 'm.cnn'), MODEL);
    const r = await cli('chek', join(dir, 'm.cnn'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^cnnc: unknown command 'chek'; did you mean 'check'\?$/m);
    expect(r.stderr).not.toMatch(/too many arguments/);
    const s = await cli('summry');
    expect(s.code).toBe(2);
    expect(s.stderr).toMatch(/unknown command 'summry'; did you mean 'summary'\?/);
    expect(s.stderr).not.toMatch(/cannot read/);
  });

  it('a word like no command and no file lists the commands', async () => {
    const r = await cli('frobnicate');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/'frobnicate' is neither a command nor a file \(commands: build, check, summary, graph, run, bench, train, eval\b/);
  });

  it('bare cnnc prints the help (exit 0), not "missing required argument"', async () => {
    const r = await cli();
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: cnnc \[options\] \[command\]/);
    expect(r.stdout).toMatch(/^ {2}check \[options\] <model>/m);
    expect(r.stderr).toBe('');
  });

  it('cnnc MODEL.cnn still builds, and so does a model file without an extension that exists', async () => {
    writeFileSync(join(dir, 'm.cnn'), MODEL);
    expect((await cli(join(dir, 'm.cnn'), '-o', join(dir, 'a'))).code).toBe(0);
    expect(readdirSync(join(dir, 'a'))).toContain('m.js');
    writeFileSync(join(dir, 'model'), MODEL);
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      expect((await cli('model', '-o', 'b')).code).toBe(0);
    } finally {
      process.chdir(cwd);
    }
    expect(readdirSync(join(dir, 'b'))).toContain('m.js');
  }, 60_000);
});
