// `cnnc check`: exit statuses, diagnostics on stderr, --dump.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from './helpers/cli-frontend-capture.js';

const dir = mkdtempSync(join(tmpdir(), 'cnnc-check-'));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

describe('cnnc check', () => {
  it('every model in examples/ and in the spec passes', async () => {
    const models = [
      ...readdirSync('examples').filter((f) => f.endsWith('.cnn')).map((f) => `examples/${f}`),
      ...readdirSync('test/fixtures/spec').map((f) => `test/fixtures/spec/${f}`),
    ];
    expect(models.length).toBeGreaterThanOrEqual(4);
    for (const m of models) {
      const r = await cli('check', m);
      expect({ m, code: r.code, stderr: r.stderr }).toEqual({ m, code: 0, stderr: '' });
    }
  });

  it('a clean file: exit 0 and one line naming the networks', async () => {
    const r = await cli('check', 'examples/lenet.cnn');
    expect(r).toEqual({ code: 0, stdout: 'examples/lenet.cnn: ok: lenet (11 layers)\n', stderr: '' });
  });

  it('errors: exit 1, every diagnostic with its source line and caret, then the count', async () => {
    const path = file('broken.cnn', 'network n {\n  input shape=1x8x8 batch=2\n  conv c out=4 kernal=3\n  pool p size=9\n}\n');
    const r = await cli('check', path);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe([
      `${path}:3:16: error: conv c: unknown option 'kernal'; did you mean 'kernel'? [E011]`,
      '  conv c out=4 kernal=3',
      '               ^~~~~~',
      `${path}:4:15: error: pool p: a 9x9 pool does not fit the 8x8 map it receives from c [E030]`,
      '  pool p size=9',
      '              ^',
      '2 errors, 0 warnings',
      '',
    ].join('\n'));
  });

  it('warnings only: exit 0, the warning on stderr', async () => {
    const path = file('warn.cnn', 'network n {\n  input shape=1x8x8\n  bn b\n}\n');
    const r = await cli('check', path);
    expect(r.code).toBe(0);
    expect(r.stderr.split('\n')[0]).toBe(`${path}:3:3: warning: bn b: per-position normalisation with batch=1 sets every value to beta; use mode=channel or a larger batch [W001]`);
    expect(r.stderr).toContain('0 errors, 1 warning\n');
    expect(r.stdout).toBe(`${path}: ok: n (1 layer)\n`);
  });

  it('a file that does not exist: exit 1 with a clear message', async () => {
    const r = await cli('check', join(dir, 'nope.cnn'));
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`cnnc: cannot read ${join(dir, 'nope.cnn')}: no such file\n`);
  });

  it('a wrong command line: exit 2', async () => {
    expect((await cli('check')).code).toBe(2);
    expect((await cli('check', 'examples/lenet.cnn', '--dump', 'tokens')).code).toBe(2);
    expect((await cli('check', 'examples/lenet.cnn', '--frobnicate')).code).toBe(2);
  });

  it('--dump model prints the checked model', async () => {
    const r = await cli('check', 'examples/exotic.cnn', '--dump', 'model');
    expect(r.code).toBe(0);
    const model = JSON.parse(r.stdout);
    const near = model.networks[0].layers[0];
    expect([near.name, near.kernel, near.anchor]).toEqual(['near', { rows: 2, cols: 3 }, { row: -1, col: 3 }]);
  });

  it('--dump ast prints the statements with their locations, also for a broken file', async () => {
    const path = file('ast.cnn', 'network n {\n  input shape=1x8x8\n  conv c out=5x5\n}\n');
    const r = await cli('check', path, '--dump', 'ast');
    expect(r.code).toBe(1);
    const ast = JSON.parse(r.stdout);
    const conv = ast.networks[0].statements[1];
    expect(conv.op).toEqual({ text: 'conv', loc: { line: 3, column: 3, offset: 34, length: 4 } });
    expect(conv.options[0].value).toMatchObject({ kind: 'size', text: '5x5', parts: [5, 5] });
  });
});
