// Golden diagnostics of broken copies of the examples: the whole `cnnc check` output
// (first lines, source lines, carets). UPDATE_GOLDEN=1 rewrites test/golden/*.txt; review
// the diff. The exact first line of each diagnostic class is also asserted by hand in
// check-diagnostics.test.ts.
import { describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { cli } from './helpers/cli-frontend-capture.js';

const fixtures = readdirSync('test/fixtures/frontend').filter((f) => f.startsWith('broken-'));

describe('golden diagnostics', () => {
  for (const f of fixtures) {
    it(f, async () => {
      const r = await cli('check', `test/fixtures/frontend/${f}`);
      expect(r.code).toBe(1);
      const golden = `test/golden/${f.replace(/\.cnn$/, '.txt')}`;
      if (process.env.UPDATE_GOLDEN || !existsSync(golden)) {
        mkdirSync('test/golden', { recursive: true });
        writeFileSync(golden, r.stderr);
      }
      expect(r.stderr).toBe(readFileSync(golden, 'utf8'));
    });
  }
});
