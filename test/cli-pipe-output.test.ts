// Output written to a pipe is complete however slowly the reader reads: the command sets
// its exit status and exits only once stdout and stderr have drained (issue 12, item 6).
// Runs the built command (dist/src/cli/bin.js, `npm run build`) as a child process.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../dist/src/cli/bin.js', import.meta.url));
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'cnnc-pipe-'));
  // 480 relu layers: a summary and a picture far beyond a pipe's 64 KiB buffer.
  const lines = ['network big {', '  input shape=1x8x8 batch=2', ...Array.from({ length: 480 }, () => '  relu'), '}', ''];
  writeFileSync(join(dir, 'big.cnn'), lines.join('\n'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Runs cnnc with its stdout on a real pipe (a shell pipeline: Node's own child-process
 * pipes are socket pairs with far larger buffers) whose reader starts only after a second,
 * so the pipe fills up first. pipefail makes the status cnnc's.
 */
function runSlowReader(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const script = 'set -o pipefail; "$0" "$@" | { sleep 1; cat; }';
    const child = spawn('bash', ['-c', script, process.execPath, bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => { stderr += b.toString('utf8'); });
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr }));
  });
}

describe('output through a pipe', () => {
  it('summary --json arrives whole: valid JSON with all 480 layers, exit 0', async () => {
    const r = await runSlowReader(['summary', join(dir, 'big.cnn'), '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(Buffer.byteLength(r.stdout)).toBeGreaterThan(65_536);
    const json = JSON.parse(r.stdout) as { networks: { layers: unknown[] }[] };
    expect(json.networks[0]!.layers).toHaveLength(480);
  }, 60_000);

  it('graph to stdout arrives whole: the SVG ends with its closing tag', async () => {
    const r = await runSlowReader(['graph', join(dir, 'big.cnn')]);
    expect(r.code).toBe(0);
    expect(Buffer.byteLength(r.stdout)).toBeGreaterThan(65_536);
    expect(r.stdout.trimEnd().endsWith('</svg>')).toBe(true);
    // one box per layer, named relu1 … relu480
    expect(r.stdout).toContain('relu480');
  }, 60_000);
});
