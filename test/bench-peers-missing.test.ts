// `node bench/peers/engine.mjs ENGINE …` without the peers installed: a message with the
// install command and exit status 1, instead of an error row and exit 0 (issue 12, item 18).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { INSTALL_COMMAND, missingPeers, PEER_PACKAGES } from '../bench/peers/lib/peers.mjs';

const root = resolve(import.meta.dirname, '..');
const empty = mkdtempSync(join(tmpdir(), 'cnnc-nopeers-'));
afterAll(() => rmSync(empty, { recursive: true, force: true }));
// resolving from a folder with no node_modules anywhere above it but the system's
writeFileSync(join(empty, 'here.mjs'), '');
const nowhere = pathToFileURL(join(empty, 'here.mjs'));

describe('peers not installed', () => {
  it('names the missing packages and the install command', () => {
    const r = missingPeers('tfjs-wasm', nowhere);
    expect(r?.missing).toEqual(['@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm']);
    expect(r?.message).toContain(`engine tfjs-wasm needs @tensorflow/tfjs and @tensorflow/tfjs-backend-wasm, which are not installed`);
    expect(r?.message).toContain(`\n  ${INSTALL_COMMAND}\n`);
    expect(INSTALL_COMMAND).toBe('ONNXRUNTIME_NODE_INSTALL=skip npm ci --prefix bench/peers --no-audit --no-fund');
    expect(missingPeers('ort-2', nowhere)?.missing).toEqual(['onnxruntime-node']);
    // cnnc's own engines need no peer
    for (const own of ['cnnc-wasm', 'cnnc-js', 'cnnc-generated', 'cnnc-interpreter']) expect(missingPeers(own, nowhere)).toBeUndefined();
    expect(Object.keys(PEER_PACKAGES)).toEqual(['cnnc-wasm', 'cnnc-js', 'cnnc-generated', 'cnnc-interpreter', 'tfjs-cpu', 'tfjs-wasm', 'ort-1', 'ort-2', 'convnetjs']);
  });

  const installed = existsSync(join(root, 'bench/peers/node_modules/@tensorflow/tfjs'));
  it.skipIf(installed)('engine.mjs exits 1 with the message (this checkout has no bench/peers/node_modules)', () => {
    const r = spawnSync(process.execPath, ['engine.mjs', 'tfjs-cpu', join(root, 'examples/lenet.cnn')], { cwd: join(root, 'bench/peers'), encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('engine tfjs-cpu needs @tensorflow/tfjs, which is not installed');
    expect(r.stderr).toContain(INSTALL_COMMAND);
  });
});
