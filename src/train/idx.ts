// Reads IDX files, the format MNIST ships in (LeCun's "THE IDX FILE FORMAT"):
//   bytes 0-1  zero
//   byte 2     element type: 0x08 u8, 0x09 i8, 0x0B i16, 0x0C i32, 0x0D f32, 0x0E f64
//   byte 3     number of dimensions D
//   then D big-endian u32 sizes, then the elements, big-endian, last index fastest.
// A gzip-compressed file (magic 1f 8b, as the files are usually downloaded) is inflated
// first, never past the size its IDX header announces (a gzip bomb stops there). Every
// problem is a UserError that names the file and what is wrong with it.
import { readFileSync, statSync } from 'node:fs';
import { constants as bufferConstants } from 'node:buffer';
import { constants as zlibConstants, gunzipSync } from 'node:zlib';
import { UserError } from '../errors.js';
import { describeFsError } from '../util/fs-errors.js';

export type IdxData = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

export interface IdxFile {
  /** Sizes, outermost first (MNIST images: [N, 28, 28], labels: [N]). */
  dims: number[];
  type: IdxType;
  data: IdxData;
}

export type IdxType = 'u8' | 'i8' | 'i16' | 'i32' | 'f32' | 'f64';

const TYPES: Record<number, { type: IdxType; bytes: number }> = {
  0x08: { type: 'u8', bytes: 1 },
  0x09: { type: 'i8', bytes: 1 },
  0x0b: { type: 'i16', bytes: 2 },
  0x0c: { type: 'i32', bytes: 4 },
  0x0d: { type: 'f32', bytes: 4 },
  0x0e: { type: 'f64', bytes: 8 },
};

const hex = (n: number): string => `0x${n.toString(16).padStart(2, '0')}`;

/** Decodes an IDX file held in memory; `file` is only used in error messages. */
export function parseIdx(input: Uint8Array, file: string): IdxFile {
  const bytes = input.length >= 2 && input[0] === 0x1f && input[1] === 0x8b ? gunzipBounded(input, file) : input;
  const { kind, dims, count, headerBytes, expected } = readHeader(bytes, file);
  if (bytes.length < expected) {
    throw new UserError(
      `${file}: truncated IDX file: dimensions ${dims.join('x')} of ${kind.type} need ${expected} bytes, the file has ${bytes.length}`,
    );
  }
  if (bytes.length > expected) {
    throw new UserError(
      `${file}: IDX file has ${bytes.length - expected} bytes after the ${count} elements its dimensions ${dims.join('x')} announce`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { dims, type: kind.type, data: decode(view, headerBytes, count, kind.type) };
}

/** The header of an IDX file (`bytes` may hold only its start): element type, sizes, and the whole file's length. */
function readHeader(bytes: Uint8Array, file: string) {
  if (bytes.length < 4) {
    throw new UserError(`${file}: not an IDX file: ${bytes.length} bytes, shorter than the 4-byte header`);
  }
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new UserError(
      `${file}: not an IDX file: the magic number starts with ${hex(bytes[0]!)} ${hex(bytes[1]!)} instead of 0x00 0x00`,
    );
  }
  const kind = TYPES[bytes[2]!];
  if (!kind) {
    throw new UserError(
      `${file}: unknown IDX element type ${hex(bytes[2]!)} (expected 0x08 u8, 0x09 i8, 0x0b i16, 0x0c i32, 0x0d f32 or 0x0e f64)`,
    );
  }
  const rank = bytes[3]!;
  if (rank === 0) throw new UserError(`${file}: IDX file with 0 dimensions`);
  const headerBytes = 4 + 4 * rank;
  if (bytes.length < headerBytes) {
    throw new UserError(`${file}: truncated IDX header: ${rank} dimensions need ${headerBytes} bytes, the file has ${bytes.length}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  for (let d = 0; d < rank; d++) dims.push(view.getUint32(4 + 4 * d, false));
  const count = dims.reduce((a, b) => a * b, 1);
  const expected = headerBytes + count * kind.bytes;
  if (!Number.isSafeInteger(expected)) throw new UserError(`${file}: IDX dimensions ${dims.join('x')} are too large`);
  return { kind, dims, count, headerBytes, expected };
}

/** Reads and decodes an IDX file (plain or gzip-compressed). */
export function readIdx(path: string): IdxFile {
  let bytes: Uint8Array;
  try {
    // A device or a pipe (/dev/zero) would be read without end.
    if (!statSync(path).isFile()) throw new UserError(`${path}: not a regular file`);
    bytes = readFileSync(path);
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw new UserError(`${path}: cannot read: ${describeFsError(e)}`);
  }
  return parseIdx(bytes, path);
}

/** The most bytes an IDX header has: 4 + 4 × 255 dimensions. */
const MAX_HEADER = 4 + 4 * 255;

/** Inflates `input`, never past `limit` bytes (zlib stops there); null when it would go past. */
function inflate(input: Uint8Array, file: string, limit: number, partial = false): Uint8Array | null {
  try {
    return gunzipSync(input, { maxOutputLength: limit, ...(partial ? { finishFlush: zlibConstants.Z_SYNC_FLUSH } : {}) });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') return null;
    throw new UserError(`${file}: broken gzip data: ${(e as Error).message}`);
  }
}

/**
 * Inflates a gzip-compressed IDX file, never past the size its header announces: first the
 * header, from the first compressed bytes (a cut stream inflates without error when
 * flushed), then the whole file with zlib told to stop past that size. A gzip bomb (a small
 * header announcing a few bytes, then gigabytes of zeros) is refused after inflating about
 * as much as the header announced.
 */
function gunzipBounded(input: Uint8Array, file: string): Uint8Array {
  let head: Uint8Array = new Uint8Array(0);
  for (let k = 1024; ; k *= 4) {
    // 4 more compressed KB inflate to at most ~4 MB (deflate's ratio is at most 1032:1).
    const part = inflate(input.subarray(0, k), file, 64 << 20, true);
    if (part === null) throw new UserError(`${file}: the gzip data inflates to more than 64 MB before its IDX header ends`);
    head = part;
    const rank = head.length >= 4 ? head[3]! : 0;
    if ((head.length >= 4 && head.length >= 4 + 4 * rank) || k >= input.length) break;
    if (k >= 1 << 20) throw new UserError(`${file}: no IDX header in the first MB of the gzip data`);
  }
  let header: ReturnType<typeof readHeader> | null = null;
  try {
    header = readHeader(head, file);
  } catch {
    // A wrong or cut header: parseIdx reports it from the (bounded) inflated start.
    return inflate(input, file, MAX_HEADER) ?? head;
  }
  if (header.expected > bufferConstants.MAX_LENGTH) {
    throw new UserError(
      `${file}: IDX dimensions ${header.dims.join('x')} of ${header.kind.type} announce ${header.expected} bytes, more than Node can hold in one buffer (${bufferConstants.MAX_LENGTH})`,
    );
  }
  const bytes = inflate(input, file, header.expected);
  if (bytes === null) {
    throw new UserError(
      `${file}: the gzip data inflates to more than the ${header.expected} bytes its IDX header announces ` +
        `(dimensions ${header.dims.join('x')} of ${header.kind.type}); stopped there`,
    );
  }
  return bytes;
}

function decode(view: DataView, at: number, n: number, type: IdxType): IdxData {
  switch (type) {
    case 'u8':
      return new Uint8Array(view.buffer, view.byteOffset + at, n).slice();
    case 'i8':
      return new Int8Array(view.buffer, view.byteOffset + at, n).slice();
    case 'i16': {
      const a = new Int16Array(n);
      for (let i = 0; i < n; i++) a[i] = view.getInt16(at + 2 * i, false);
      return a;
    }
    case 'i32': {
      const a = new Int32Array(n);
      for (let i = 0; i < n; i++) a[i] = view.getInt32(at + 4 * i, false);
      return a;
    }
    case 'f32': {
      const a = new Float32Array(n);
      for (let i = 0; i < n; i++) a[i] = view.getFloat32(at + 4 * i, false);
      return a;
    }
    case 'f64': {
      const a = new Float64Array(n);
      for (let i = 0; i < n; i++) a[i] = view.getFloat64(at + 8 * i, false);
      return a;
    }
  }
}
