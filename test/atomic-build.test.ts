// A build's files appear together or not at all, temporaries never stay, and output paths
// are checked before any work (issue 12, items 7, 8 and 9).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from '../src/cli/commands/build.js';
import { checkOutputFile, writeFilesAtomic, WriteError } from '../src/util/atomic-write.js';
import { UserError } from '../src/errors.js';

let dir: string;
beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'cnnc-atomic-build-')); });
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const MODEL = (name: string) => `network ${name} {\n  input shape=1x4x4 batch=2\n  conv c1 out=2 kernel=3x3\n  relu\n  full f1 out=3\n  softmax\n}\n`;
const quiet = () => {};
const OLD = ['tiny.js', 'tiny.test.ts', 'tiny.ts'];

describe('all-or-nothing builds', () => {
  it('a target that is a folder (tiny.d.ts/) stops the build before any file is replaced', () => {
    writeFileSync(join(dir, 'm.cnn'), MODEL('tiny'));
    const out = join(dir, 'out');
    mkdirSync(join(out, 'tiny.d.ts'), { recursive: true });
    for (const f of OLD) writeFileSync(join(out, f), `old ${f}`);
    expect(() => build(join(dir, 'm.cnn'), { out, dtype: 'f32' }, quiet)).toThrow(/cannot write the modules into .*tiny\.d\.ts: it is a folder/);
    for (const f of OLD) expect(readFileSync(join(out, f), 'utf8')).toBe(`old ${f}`);
    // no temporary file or staging folder stays behind
    expect(readdirSync(out).sort()).toEqual(['tiny.d.ts', ...OLD]);
  });

  it('files in several folders: one that cannot be created leaves the others untouched and creates nothing', () => {
    writeFileSync(join(dir, 'a.js'), 'old a');
    writeFileSync(join(dir, 'blocker'), 'a file');
    expect(() => writeFilesAtomic([
      { path: join(dir, 'a.js'), data: 'new a' },
      { path: join(dir, 'new', 'b.js'), data: 'new b' },
      { path: join(dir, 'blocker', 'c.js'), data: 'new c' },
    ])).toThrow(WriteError);
    expect(readFileSync(join(dir, 'a.js'), 'utf8')).toBe('old a');
    // the folder "new" it created for b.js is gone again
    expect(readdirSync(dir).sort()).toEqual(['a.js', 'blocker']);
  });

  it('what a killed build left (a staging folder, old-style .tmp files) is swept by the next write', () => {
    // the pid of a process that has ended
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
    mkdirSync(join(dir, `.cnnc-${dead}-AbC123`));
    writeFileSync(join(dir, `.cnnc-${dead}-AbC123`, '0'), 'half a module');
    writeFileSync(join(dir, `.lenet.js.${dead}.1764000000000.tmp`), 'half a module');
    // a staging folder of a live process (this one's parent) is left alone
    mkdirSync(join(dir, `.cnnc-${process.ppid}-XyZ789`));
    writeFilesAtomic([{ path: join(dir, 'x.js'), data: 'x' }]);
    expect(readdirSync(dir).sort()).toEqual([`.cnnc-${process.ppid}-XyZ789`, 'x.js']);
  });

  it('the temporary names are short: a 240-character network name builds (its .test.ts is 248 bytes)', () => {
    const name = `n${'x'.repeat(239)}`;
    writeFileSync(join(dir, 'm.cnn'), MODEL(name));
    const out = join(dir, 'out');
    build(join(dir, 'm.cnn'), { out, dtype: 'f32' }, quiet);
    expect(readdirSync(out).sort()).toEqual([`${name}.d.ts`, `${name}.js`, `${name}.test.ts`, `${name}.ts`]);
  }, 60_000);

  it('a name too long for the file system is a clear error naming the limit, and nothing is written', () => {
    const name = `n${'x'.repeat(249)}`; // 250 + ".test.ts" = 258 bytes
    writeFileSync(join(dir, 'm.cnn'), MODEL(name));
    const out = join(dir, 'out');
    try {
      build(join(dir, 'm.cnn'), { out, dtype: 'f32' }, quiet);
      expect.fail('no error');
    } catch (e) {
      expect(e).toBeInstanceOf(UserError);
      expect((e as UserError).exitCode).toBe(1);
      expect((e as Error).message).toMatch(/the file name is 258 bytes long; file systems allow at most 255 bytes in one name/);
      expect((e as Error).message).not.toMatch(/ENAMETOOLONG/);
    }
    // not even the output folder was created
    expect(existsSync(out)).toBe(false);
  }, 60_000);
});

describe('output paths checked first', () => {
  it('a file where a folder is needed, a folder where a file is needed', () => {
    writeFileSync(join(dir, 'afile'), 'x');
    expect(() => checkOutputFile(join(dir, 'afile', 'x.svg'))).toThrow(/cannot write .*afile[/\\]x\.svg: .*afile is a file, not a folder/);
    mkdirSync(join(dir, 'adir.bin'));
    expect(() => checkOutputFile(join(dir, 'adir.bin'))).toThrow(/adir\.bin: it is a folder; give a file name/);
    expect(() => checkOutputFile(join(dir, 'new', 'deeper', 'w.bin'))).not.toThrow();
  });

  it('a build into a file fails before compiling, and says why', () => {
    writeFileSync(join(dir, 'm.cnn'), MODEL('tiny'));
    writeFileSync(join(dir, 'out'), 'a file');
    expect(() => build(join(dir, 'm.cnn'), { out: join(dir, 'out', 'sub'), dtype: 'f32' }, quiet)).toThrow(/cannot write the modules into .*out[/\\]sub: .*out is a file, not a folder/);
  });
});
