// When a rename fails half-way through a build's files (a disk error, a file locked by
// another program), the files already renamed are undone: the folder holds the old
// generation, whole, and no temporary (issue 12, item 7).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';

vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs')>();
  return { ...real, renameSync: vi.fn(real.renameSync) };
});

const { writeFilesAtomic, WriteError } = await import('../src/util/atomic-write.js');

let dir: string;
beforeEach(() => { dir = fs.mkdtempSync(join(tmpdir(), 'cnnc-rollback-')); });
afterEach(() => {
  vi.mocked(fs.renameSync).mockRestore?.();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('a rename failing half-way', () => {
  it('puts the old files back and removes the new ones and the staging folder', async () => {
    const real = (await vi.importActual<typeof import('node:fs')>('node:fs')).renameSync;
    for (const f of ['a.ts', 'a.js', 'a.d.ts']) fs.writeFileSync(join(dir, f), `old ${f}`);
    // the third file's rename into place fails: a.ts and a.js are new by then
    vi.mocked(fs.renameSync).mockImplementation((from, to) => {
      if (basename(String(to)) === 'a.d.ts' && !String(from).endsWith('.old') && String(from).includes('.cnnc-')) {
        throw Object.assign(new Error('EIO: i/o error, rename'), { code: 'EIO' });
      }
      real(from, to);
    });
    let error: unknown;
    try {
      writeFilesAtomic(['a.ts', 'a.js', 'a.d.ts', 'a.test.ts'].map((f) => ({ path: join(dir, f), data: `new ${f}` })));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(WriteError);
    expect((error as Error).message).toBe(`cannot write ${join(dir, 'a.d.ts')}: input/output error`);
    expect(fs.readdirSync(dir).sort()).toEqual(['a.d.ts', 'a.js', 'a.ts']);
    for (const f of ['a.ts', 'a.js', 'a.d.ts']) expect(fs.readFileSync(join(dir, f), 'utf8')).toBe(`old ${f}`);
  });
});
