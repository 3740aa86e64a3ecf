// A signal arriving while a command's files are being renamed into place (Ctrl-C, kill)
// takes effect only once all of them are in place, so the folder never mixes two
// generations (issue 12, item 7). A child process renames four files over old ones and
// sends itself SIGTERM during the second rename. Runs the built dist/ (`npm run build`).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const atomic = pathToFileURL(fileURLToPath(new URL('../dist/src/util/atomic-write.js', import.meta.url))).href;
const dir = mkdtempSync(join(tmpdir(), 'cnnc-signals-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const FILES = ['a.ts', 'a.js', 'a.d.ts', 'a.test.ts'];

const child = (signal: string) => `
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
const real = fs.renameSync;
let renames = 0;
fs.renameSync = (from, to) => {
  if (!String(from).endsWith('.old') && ++renames === 2) process.kill(process.pid, '${signal}');
  real(from, to);
};
syncBuiltinESMExports();
const { writeFilesAtomic } = await import(${JSON.stringify(atomic)});
const dir = ${JSON.stringify(dir)};
writeFilesAtomic(${JSON.stringify(FILES)}.map((f) => ({ path: dir + '/' + f, data: 'new ' + f })));
process.stdout.write('returned\\n');
`;

describe('signals during the renames', () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`${signal}: every file is new, no staging folder stays, and the signal still ends the process`, () => {
      for (const f of FILES) writeFileSync(join(dir, f), `old ${f}`);
      const r = spawnSync(process.execPath, ['--input-type=module', '-e', child(signal)], { encoding: 'utf8' });
      expect(r.stderr).toBe('');
      expect(r.signal).toBe(signal);
      for (const f of FILES) expect(readFileSync(join(dir, f), 'utf8')).toBe(`new ${f}`);
      expect(readdirSync(dir).sort()).toEqual([...FILES].sort());
    });
  }
});
