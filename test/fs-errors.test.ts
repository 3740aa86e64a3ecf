// File-system errors reach users in words, not as errno codes (issue 12, item 16): every
// reader of a file the user names, and the writers.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeFsError } from '../src/util/fs-errors.js';
import { readSource } from '../src/frontend/index.js';
import { readJsonFile } from '../src/weights/read-json.js';
import { readWeightsBinary } from '../src/weights/binary.js';
import { readIdx } from '../src/train/idx.js';
import { importModuleFile } from '../src/cli/module.js';
import { checkSource } from '../src/frontend/index.js';

const dir = mkdtempSync(join(tmpdir(), 'cnnc-fserr-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const net = checkSource('network n {\n  input shape=1x2x2\n  full f out=2\n}\n', 'n.cnn').model!.networks[0]!;
const missing = join(dir, 'none');
const ERRNO = /\bE[A-Z]{3,}\b/;

describe('errno codes in words', () => {
  it('describeFsError', () => {
    const err = (code: string) => Object.assign(new Error(`${code}: something, open 'x'`), { code });
    expect(describeFsError(err('ENOENT'))).toBe('no such file');
    expect(describeFsError(err('EACCES'))).toBe('permission denied');
    expect(describeFsError(err('EISDIR'))).toBe('is a folder');
    expect(describeFsError(err('ENOTDIR'))).toBe('a part of the path is a file, not a folder');
    expect(describeFsError(err('ENOSPC'))).toBe('no space left on the device');
    expect(describeFsError(err('EROFS'))).toBe('the file system is read-only');
    // an unknown code keeps Node's words without the code
    expect(describeFsError(err('EWHATEVER'))).toBe("something, open 'x'");
  });

  const readers: [string, (path: string) => unknown, string][] = [
    ['a model', (p) => readSource(p), 'cannot read'],
    ['a JSON file (weights, input, labels)', (p) => readJsonFile(p), 'cannot read'],
    ['binary weights', (p) => readWeightsBinary(p, net), 'cannot read'],
    ['an IDX file', (p) => readIdx(p), 'cannot read'],
  ];
  for (const [what, read, prefix] of readers) {
    it(`${what}: missing file and folder, in words`, () => {
      expect(() => read(missing)).toThrow(new RegExp(`${prefix}.*: no such file$`));
      try {
        read(missing);
      } catch (e) {
        expect((e as Error).message).not.toMatch(ERRNO);
      }
      try {
        read(dir);
        expect.fail('read a folder');
      } catch (e) {
        expect((e as Error).message).not.toMatch(ERRNO);
        expect((e as Error).message).toMatch(/is a folder|not a regular file/);
      }
    });
  }

  it('--module: a folder is said to be one (it was an internal error)', async () => {
    await expect(importModuleFile(dir)).rejects.toThrow(`--module ${dir}: is a folder; give the .js file \`cnnc build\` wrote`);
  });
});
