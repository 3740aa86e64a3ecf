// cnnc build --module cjs (issue 12, item 17): a package that is not an ES module (what
// `npm init -y` makes) cannot import the default .js; the CommonJS build is <net>.cjs with
// its types as <net>.d.cts, and plain require() in such a package trains it, on both
// targets. The generated test then imports the .cjs.
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const cli = resolve('dist/src/cli/bin.js');

describe('cnnc build --module cjs', () => {
  for (const target of ['wasm', 'js'] as const) {
    it(`${target} target: require() in a CommonJS package trains the module`, () => {
      const dir = mkdtempSync(join(tmpdir(), 'cnnc-cjs-'));
      try {
        writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'user', version: '1.0.0', type: 'commonjs' }));
        execFileSync(process.execPath, [cli, resolve('examples/exotic.cnn'), '-o', dir, '--module', 'cjs', '--target', target], { encoding: 'utf8' });
        expect(existsSync(join(dir, 'exotic.js'))).toBe(false);
        expect(readFileSync(join(dir, 'exotic.d.cts'), 'utf8')).toMatch(/export declare function createModel/);
        expect(readFileSync(join(dir, 'exotic.test.ts'), 'utf8')).toMatch(/^import \* as gen from '\.\/exotic\.cjs';$/m);
        const script = `
          const m = require('./exotic.cjs');
          const model = m.createModel({ seed: 1 });
          const [C, H, W] = m.meta.input, [K] = m.meta.output, T = m.meta.batch;
          const x = Array.from({ length: T * C * H * W }, (_, i) => Math.sin(i));
          const z = new Array(T * K).fill(0); for (let t = 0; t < T; t++) z[t * K + t % K] = 1;
          const losses = [];
          for (let i = 0; i < 3; i++) { model.forward(x); losses.push(model.backward(z)); model.step({ lr: 1e-3 / T, momentum: 0.5 }); }
          console.log(JSON.stringify({ target: m.meta.target, losses }));`;
        writeFileSync(join(dir, 'use.js'), script);
        const out = JSON.parse(execFileSync(process.execPath, ['use.js'], { cwd: dir, encoding: 'utf8' })) as { target: string; losses: number[] };
        expect(out.target).toBe(target);
        expect(out.losses.every(Number.isFinite)).toBe(true);
        expect(out.losses[2]).toBeLessThan(out.losses[0]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }, 120_000);
  }

  it('--module other is a usage error', () => {
    let status = 0;
    try { execFileSync(process.execPath, [cli, 'examples/exotic.cnn', '-o', join(tmpdir(), 'never'), '--module', 'umd'], { stdio: 'pipe' }); } catch (e) { status = (e as { status: number }).status; }
    expect(status).toBe(2);
  });
});
