// `cnnc graph`: SVG and DOT pictures of the chain, shapes on the edges, files written whole.
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from './helpers/cli-frontend-capture.js';

const dir = mkdtempSync(join(tmpdir(), 'cnnc-graph-'));

describe('cnnc graph', () => {
  it('SVG on stdout: a box per block, the shapes on the edges', async () => {
    const r = await cli('graph', 'examples/exotic.cnn');
    expect(r.code).toBe(0);
    expect(r.stdout.startsWith('<?xml')).toBe(true);
    expect(r.stdout).toContain('<svg xmlns="http://www.w3.org/2000/svg"');
    expect(r.stdout.trimEnd().endsWith('</svg>')).toBe(true);
    // input + 11 layers
    expect(r.stdout.match(/<rect x=/g)).toHaveLength(12);
    expect(r.stdout).toContain('near · conv');
    expect(r.stdout).toContain('out=4 kernel=2x3 anchor=(-1,3)');
    expect(r.stdout).toContain('size=3x3 stride=2x2 round=ceil');
    // the edges leaving input, near (conv keeps 15x14), over (ceil pool to 7x7) and logits
    for (const shape of ['2x15x14', '4x15x14', '4x7x7', '5x1x1 (output)']) expect(r.stdout).toContain(`class="shape">${shape}</text>`);
  });

  it('DOT by the -o extension: one node per block, an edge per layer labelled with its input shape', async () => {
    const out = join(dir, 'lenet.dot');
    const r = await cli('graph', 'examples/lenet.cnn', '-o', out);
    expect(r.code).toBe(0);
    const dot = readFileSync(out, 'utf8');
    expect(dot.startsWith('digraph cnn {')).toBe(true);
    // 11 layer edges + the edge to the output marker
    expect(dot.match(/->/g)).toHaveLength(12);
    expect(dot).toContain('"lenet/p2" -> "lenet/f1" [label=" 16x7x7"];');
    expect(dot).toContain('"lenet/c2" [label="c2: conv\\nout=16 kernel=5x6 anchor=(2,1)"];');
  });

  it('SVG by the -o extension', async () => {
    const out = join(dir, 'vgg.svg');
    expect((await cli('graph', 'examples/vgg.cnn', '-o', out)).code).toBe(0);
    expect(readFileSync(out, 'utf8')).toContain('class="shape">64x4x4</text>');
  });

  it('an extension it cannot draw: exit 2, nothing written', async () => {
    const out = join(dir, 'lenet.png');
    const r = await cli('graph', 'examples/lenet.cnn', '-o', out);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('name it FILE.svg or FILE.dot');
    expect(existsSync(out)).toBe(false);
  });

  it('a broken model: exit 1, nothing written, no temporary file left', async () => {
    const sub = mkdtempSync(join(dir, 'broken-'));
    const r = await cli('graph', 'test/fixtures/frontend/broken-lenet.cnn', '-o', join(sub, 'x.svg'));
    expect(r.code).toBe(1);
    expect(readdirSync(sub)).toEqual([]);
  });

  it('several networks side by side', async () => {
    const r = await cli('graph', 'test/fixtures/frontend/two-networks.cnn', '--format', 'dot');
    expect(r.code).toBe(0);
    expect(r.stdout.match(/subgraph "cluster_/g)).toHaveLength(2);
  });
});
