// CI installs what the browser test needs (issue 12, item 21): .ci/run calls
// .ci/install-chromium before the tests; the script installs Debian's chromium with apt-get,
// non-interactively and quietly, when it is absent, and never stops the run: when it cannot,
// it says so and the browser test reports that it could not run.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');
const script = join(root, '.ci/install-chromium');
const bin = mkdtempSync(join(tmpdir(), 'cnnc-ci-bin-'));
afterAll(() => rmSync(bin, { recursive: true, force: true }));

const run = (env: Record<string, string>) =>
  spawnSync('/bin/bash', [script], { env: { HOME: tmpdir(), ...env }, encoding: 'utf8' });

describe('.ci/install-chromium', () => {
  it('.ci/run calls it after installing the packages and before the tests', () => {
    const ci = readFileSync(join(root, '.ci/run'), 'utf8');
    const at = ci.indexOf('bash .ci/install-chromium');
    expect(at).toBeGreaterThan(ci.indexOf('npm ci --prefix bench/peers'));
    expect(at).toBeLessThan(ci.indexOf('npm test'));
  });

  it('installs non-interactively and quietly, only chromium', () => {
    const text = readFileSync(script, 'utf8');
    expect(text).toContain('export DEBIAN_FRONTEND=noninteractive');
    expect(text).toMatch(/apt-get -qq install -y --no-install-recommends chromium/);
  });

  it('does nothing when the browser is there', () => {
    const r = run({ PATH: process.env.PATH ?? '', CNNC_CHROMIUM: '/bin/sh' });
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('');
  });

  it('without apt-get: says it cannot, and exits 0 so the tests still run', () => {
    // a PATH holding only `id`
    symlinkSync(spawnSync('/bin/bash', ['-c', 'command -v id'], { encoding: 'utf8' }).stdout.trim(), join(bin, 'id'));
    const r = run({ PATH: bin, CNNC_CHROMIUM: '/nonexistent/chromium' });
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('ci: cannot install chromium (apt-get is not available): test/web-digits.test.ts will report that it could not run\n');
  });
});
