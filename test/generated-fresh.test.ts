// generated/ holds the compiled examples, committed: the default (WebAssembly) target in
// generated/, the JS target in generated/js/. This fails when they are stale, i.e. when
// compiling examples/*.cnn now gives different bytes (refresh: npm run regen).
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadModel } from '../src/frontend/index.js';
import { compileModel } from '../src/emit/index.js';
import { buildFiles } from '../src/cli/commands/build.js';

const examples = readdirSync('examples').filter((f) => f.endsWith('.cnn')).sort();

describe('generated/ is fresh', () => {
  it('there are examples', () => expect(examples.length).toBeGreaterThan(0));
  for (const file of examples) {
    for (const [target, dir] of [['wasm', 'generated'], ['js', 'generated/js']] as const) {
      it(`examples/${file} (${target})`, () => {
        const files = buildFiles(compileModel(loadModel(join('examples', file)), { target }), dir);
        for (const f of files) {
          expect(existsSync(f.path), `${f.path} is missing: run npm run regen`).toBe(true);
          const same = readFileSync(f.path, 'utf8') === f.data;
          expect(same, `${f.path} is stale: run npm run regen`).toBe(true);
        }
      }, 120_000);
    }
  }
});
