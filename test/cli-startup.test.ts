// ts-morph (with the TypeScript compiler) takes about a second to load, so src/emit/morph.ts
// loads it on the first emit: commands that emit nothing must not load it. Checked on the
// built CLI (dist/, what `npx cnnc` runs) in a child process, through Node's module cache
// (ts-morph is CommonJS); a build loading it shows that the probe sees it.
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function run(args: string[]): { code: number; tsMorph: boolean } {
  const program = [
    "import { createRequire } from 'node:module';",
    "import { main } from './dist/src/cli/main.js';",
    `const code = await main(${JSON.stringify(args)});`,
    "const tsMorph = Object.keys(createRequire(import.meta.url).cache).some((k) => /[\\\\/]node_modules[\\\\/]ts-morph[\\\\/]/.test(k));",
    "process.stdout.write('\\n' + JSON.stringify({ code, tsMorph }) + '\\n');",
  ].join('\n');
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', program], { encoding: 'utf8', timeout: 60_000 });
  return JSON.parse(out.trim().split('\n').at(-1)!) as { code: number; tsMorph: boolean };
}

describe('start-up', () => {
  it('check, summary, --help and --version do not load ts-morph; a build does', () => {
    for (const args of [['check', 'examples/lenet.cnn'], ['summary', 'examples/lenet.cnn'], ['--help'], ['--version']]) {
      expect(run(args), args.join(' ')).toEqual({ code: 0, tsMorph: false });
    }
    const out = mkdtempSync(join(tmpdir(), 'cnnc-startup-'));
    try {
      expect(run(['examples/lenet.cnn', '-o', out])).toEqual({ code: 0, tsMorph: true });
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 120_000);
});
