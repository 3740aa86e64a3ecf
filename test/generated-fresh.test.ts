// generated/ holds the compiled examples, committed; this fails when they are stale, i.e.
// when compiling examples/*.cnn now gives different bytes (refresh: npx cnnc examples/X.cnn).
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
    it(`examples/${file}`, () => {
      const files = buildFiles(compileModel(loadModel(join('examples', file))), 'generated');
      for (const f of files) {
        expect(existsSync(f.path), `${f.path} is missing: run npx cnnc examples/${file}`).toBe(true);
        const same = readFileSync(f.path, 'utf8') === f.data;
        expect(same, `${f.path} is stale: run npx cnnc examples/${file}`).toBe(true);
      }
    }, 120_000);
  }
});
