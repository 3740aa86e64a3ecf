// Output paths that cannot be written are user errors (exit 1) found before the work,
// with the reason in words, never an internal error with a stack (issue 12, item 8).
import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from './helpers/cli-frontend-capture.js';

const dir = mkdtempSync(join(tmpdir(), 'cnnc-outpaths-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(join(dir, 'afile'), 'a file, not a folder');
mkdirSync(join(dir, 'adir.bin'));

const noStack = (text: string) => {
  expect(text).not.toMatch(/internal error|\n\s+at /);
};

describe('unwritable outputs', () => {
  it('graph -o afile/x.svg: exit 1, says afile is a file', async () => {
    const r = await cli('graph', 'examples/lenet.cnn', '-o', join(dir, 'afile', 'x.svg'));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`cannot write ${join(dir, 'afile', 'x.svg')}: ${join(dir, 'afile')} is a file, not a folder`);
    noStack(r.stderr);
  });

  it('run --trace afile/t.json: exit 1 before the pass runs', async () => {
    const r = await cli('run', 'examples/exotic.cnn', '--engine', 'interpreter', '--seed', '1',
      '--input', 'examples/data/exotic-input.json', '--trace', join(dir, 'afile', 't.json'));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${join(dir, 'afile')} is a file, not a folder`);
    expect(r.stdout).toBe(''); // nothing ran: no "network exotic: …" line
    noStack(r.stderr);
  });

  it('train --out adir.bin (a folder): exit 1 before loading any image', async () => {
    const r = await cli('train', 'examples/lenet.cnn', '--data', 'mnist', '--limit', '64', '--out', join(dir, 'adir.bin'));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`cannot write ${join(dir, 'adir.bin')}: it is a folder; give a file name`);
    expect(r.stderr).not.toMatch(/^training /m);
    noStack(r.stderr);
    expect(readdirSync(join(dir, 'adir.bin'))).toEqual([]);
  });
});
