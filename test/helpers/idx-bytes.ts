// Builds IDX files byte by byte for the tests (header: 0, 0, type, rank, big-endian u32 sizes).
export function idxBytes(type: number, dims: number[], body: number[]): Uint8Array {
  const header = [0, 0, type, dims.length];
  for (const d of dims) header.push((d >>> 24) & 255, (d >>> 16) & 255, (d >>> 8) & 255, d & 255);
  return Uint8Array.from([...header, ...body]);
}

/** An unsigned-byte IDX file. */
export const u8Idx = (dims: number[], values: number[]): Uint8Array => idxBytes(0x08, dims, values);
