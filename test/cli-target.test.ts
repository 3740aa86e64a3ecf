// --target wasm|js and --emit wat on the command line: what each writes, and the usage
// errors (exit 2) of combinations that cannot be (f64 WebAssembly, wat without wasm).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import wabtInit from 'wabt';
import { main } from '../src/cli/main.js';

let dir: string;
let out: string[];
let err: string[];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cnnc-target-'));
  out = [];
  err = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => { out.push(String(s)); return true; });
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => { err.push(String(s)); return true; });
});
afterEach(() => {
  vi.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});

const embedded = (js: string) => Buffer.from(js.match(/^const \$WASM_PLAIN = '([A-Za-z0-9+/=]*)';$/m)![1], 'base64');

describe('cnnc build --target, --emit wat', () => {
  it('default: the wasm target; --emit wat writes the text of exactly the embedded kernels', async () => {
    expect(await main(['examples/exotic.cnn', '-o', dir, '--emit', 'wat'])).toBe(0);
    expect(out.join('')).toContain('exotic.{ts,js,d.ts,test.ts,wat} (js ');
    expect(out.join('')).toContain('wasm f32');
    const js = readFileSync(join(dir, 'exotic.js'), 'utf8');
    expect(js).toMatch(/target: "wasm"/);
    const wabt = await wabtInit();
    const mod = wabt.parseWat('exotic.wat', readFileSync(join(dir, 'exotic.wat'), 'utf8'), { simd: true, relaxed_simd: true });
    mod.validate();
    expect(Buffer.from(mod.toBinary({}).buffer).equals(embedded(js))).toBe(true);
  }, 60_000);

  it('--target js: plain JavaScript kernels, no WebAssembly, no .wat', async () => {
    expect(await main(['examples/exotic.cnn', '-o', dir, '--target', 'js'])).toBe(0);
    const js = readFileSync(join(dir, 'exotic.js'), 'utf8');
    expect(js).toMatch(/target: "js"/);
    expect(js).not.toMatch(/WebAssembly/);
    expect(existsSync(join(dir, 'exotic.wat'))).toBe(false);
  }, 60_000);

  it('--dtype f64 alone gives the js target', async () => {
    expect(await main(['examples/exotic.cnn', '-o', dir, '--dtype', 'f64'])).toBe(0);
    expect(readFileSync(join(dir, 'exotic.js'), 'utf8')).toMatch(/target: "js"/);
  }, 60_000);

  it.each([
    [['--target', 'wasm', '--dtype', 'f64'], /--target wasm is float32 only .*--target js for --dtype f64/],
    [['--target', 'asm.js'], /--target must be wasm or js, got "asm.js"/],
    [['--emit', 'wat', '--target', 'js'], /--emit wat needs --target wasm/],
    [['--emit', 'wasm'], /--emit must be wat, got "wasm"/],
  ])('%j is a usage error (exit 2) that writes nothing', async (args, message) => {
    expect(await main(['examples/exotic.cnn', '-o', join(dir, 'o'), ...args])).toBe(2);
    expect(err.join('')).toMatch(message);
    expect(existsSync(join(dir, 'o'))).toBe(false);
  });

  it('run, train and eval take --target too', async () => {
    expect(await main(['run', 'examples/exotic.cnn', '--engine', 'generated', '--seed', '1', '--target', 'js', '--dtype', 'f64', '--input', 'nonexistent.json'])).toBe(1);
    err.length = 0;
    expect(await main(['run', 'examples/exotic.cnn', '--engine', 'generated', '--seed', '1', '--target', 'wasm', '--dtype', 'f64', '--input', 'x.json'])).toBe(2);
    expect(err.join('')).toMatch(/--target wasm is float32 only/);
    err.length = 0;
    expect(await main(['train', 'examples/lenet.cnn', '--data', 'mnist', '--target', 'wat'])).toBe(2);
    expect(err.join('')).toMatch(/--target wat: expected wasm or js/);
    err.length = 0;
    expect(await main(['eval', 'examples/lenet.cnn', '--data', 'mnist', '--weights', 'x.bin', '--target', 'wasm', '--dtype', 'f64'])).toBe(2);
    expect(err.join('')).toMatch(/--target wasm is float32 only/);
  });
});
