// The IDX reader on hand-built files: every element type, gzip, and each kind of broken file.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { UserError } from '../src/errors.js';
import { parseIdx, readIdx } from '../src/train/idx.js';
import { idxBytes, u8Idx } from './helpers/idx-bytes.js';

describe('IDX files', () => {
  it('reads unsigned bytes with their dimensions, outermost first', () => {
    // Two 2x3 images: header 00 00 08 03 | 2 | 2 | 3, then 12 bytes.
    const f = parseIdx(u8Idx([2, 2, 3], [0, 1, 2, 3, 4, 5, 250, 251, 252, 253, 254, 255]), 'x');
    expect(f.dims).toEqual([2, 2, 3]);
    expect(f.type).toBe('u8');
    expect(Array.from(f.data)).toEqual([0, 1, 2, 3, 4, 5, 250, 251, 252, 253, 254, 255]);
  });

  it('reads the wider types big-endian', () => {
    // i8: 0xff = -1. i16: ff fe = -2, 01 00 = 256. i32: 00 01 00 00 = 65536, ff ff ff ff = -1.
    expect(Array.from(parseIdx(idxBytes(0x09, [2], [0xff, 0x05]), 'x').data)).toEqual([-1, 5]);
    expect(Array.from(parseIdx(idxBytes(0x0b, [2], [0xff, 0xfe, 0x01, 0x00]), 'x').data)).toEqual([-2, 256]);
    expect(Array.from(parseIdx(idxBytes(0x0c, [2], [0, 1, 0, 0, 255, 255, 255, 255]), 'x').data)).toEqual([65536, -1]);
    // f32 1.5 = 3f c0 00 00; f64 -2 = c0 00 00 00 00 00 00 00.
    expect(Array.from(parseIdx(idxBytes(0x0d, [1], [0x3f, 0xc0, 0, 0]), 'x').data)).toEqual([1.5]);
    expect(Array.from(parseIdx(idxBytes(0x0e, [1], [0xc0, 0, 0, 0, 0, 0, 0, 0]), 'x').data)).toEqual([-2]);
  });

  it('inflates gzip-compressed files, in memory and from disk', () => {
    const raw = u8Idx([3], [7, 8, 9]);
    expect(Array.from(parseIdx(gzipSync(raw), 'x.gz').data)).toEqual([7, 8, 9]);
    const dir = mkdtempSync(join(tmpdir(), 'cnnc-idx-'));
    writeFileSync(join(dir, 'a.gz'), gzipSync(raw));
    expect(readIdx(join(dir, 'a.gz')).dims).toEqual([3]);
  });

  const broken: [string, Uint8Array, RegExp][] = [
    ['shorter than the header', Uint8Array.from([0, 0, 8]), /bad\.idx: not an IDX file: 3 bytes, shorter than the 4-byte header/],
    ['a wrong magic number', Uint8Array.from([0x50, 0x4b, 3, 4, 0, 0, 0, 0]), /bad\.idx: not an IDX file: the magic number starts with 0x50 0x4b/],
    ['an unknown element type', idxBytes(0x07, [1], [0]), /bad\.idx: unknown IDX element type 0x07/],
    ['no dimensions', idxBytes(0x08, [], []), /bad\.idx: IDX file with 0 dimensions/],
    // 3 dimensions need 4 + 12 = 16 header bytes; only 4 + 8 are there.
    ['a truncated header', Uint8Array.from([0, 0, 8, 3, 0, 0, 0, 1, 0, 0, 0, 1]), /truncated IDX header: 3 dimensions need 16 bytes, the file has 12/],
    // 2x3 u8 elements need 4 + 8 + 6 = 18 bytes; 5 elements make 17.
    ['truncated data', u8Idx([2, 3], [1, 2, 3, 4, 5]), /truncated IDX file: dimensions 2x3 of u8 need 18 bytes, the file has 17/],
    ['extra bytes', u8Idx([2], [1, 2, 3]), /IDX file has 1 bytes after the 2 elements its dimensions 2 announce/],
    ['broken gzip data', Uint8Array.from([0x1f, 0x8b, 8, 0, 1, 2, 3]), /bad\.idx: broken gzip data/],
  ];
  for (const [what, bytes, message] of broken) {
    it(`refuses a file with ${what}, naming the file`, () => {
      expect(() => parseIdx(bytes, 'bad.idx')).toThrow(UserError);
      expect(() => parseIdx(bytes, 'bad.idx')).toThrow(message);
    });
  }

  it('says when a file cannot be read', () => {
    expect(() => readIdx('/nonexistent/x-idx3-ubyte')).toThrow(/\/nonexistent\/x-idx3-ubyte: cannot read: no such file/);
  });
});
