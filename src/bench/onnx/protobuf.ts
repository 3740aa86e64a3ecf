// A minimal protocol-buffers writer: just what an ONNX model needs (varints, 64-bit
// integers as varints, length-delimited strings, bytes and nested messages, packed floats).
// Wire format: each field is a key varint `(field << 3) | wireType` then its value;
// wire type 0 = varint, 2 = length-delimited, 5 = 32-bit.

export class ProtoWriter {
  private chunks: Uint8Array[] = [];
  private length = 0;

  private push(bytes: Uint8Array): void {
    this.chunks.push(bytes);
    this.length += bytes.length;
  }

  /** Appends an unsigned varint (7 bits a byte, low bits first, high bit = more follows). */
  private varint(value: number | bigint): void {
    let v = BigInt.asUintN(64, BigInt(value)); // negatives as two's complement, 10 bytes
    const out: number[] = [];
    do {
      let byte = Number(v & 0x7fn);
      v >>= 7n;
      if (v !== 0n) byte |= 0x80;
      out.push(byte);
    } while (v !== 0n);
    this.push(Uint8Array.from(out));
  }

  private key(field: number, wireType: 0 | 2 | 5): void {
    this.varint((field << 3) | wireType);
  }

  /** int32, int64, enum and bool fields. */
  int(field: number, value: number | bigint): this {
    this.key(field, 0);
    this.varint(value);
    return this;
  }

  bytes(field: number, value: Uint8Array): this {
    this.key(field, 2);
    this.varint(value.length);
    this.push(value);
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, new TextEncoder().encode(value));
  }

  message(field: number, inner: ProtoWriter): this {
    return this.bytes(field, inner.finish());
  }

  /** A single `float` field (wire type 5, little-endian IEEE single). */
  float(field: number, value: number): this {
    this.key(field, 5);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, value, true);
    this.push(b);
    return this;
  }

  /** A repeated int64 field, one key per element (proto2's unpacked form; readers accept it). */
  ints(field: number, values: readonly number[]): this {
    for (const v of values) this.int(field, v);
    return this;
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.length);
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }
}

/** float32 little-endian bytes of the values (ONNX `raw_data`). */
export function float32Bytes(values: ArrayLike<number>): Uint8Array {
  const b = new Uint8Array(values.length * 4);
  const view = new DataView(b.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i], true);
  return b;
}

/** int64 little-endian bytes of the values (ONNX `raw_data` of an INT64 tensor). */
export function int64Bytes(values: readonly number[]): Uint8Array {
  const b = new Uint8Array(values.length * 8);
  const view = new DataView(b.buffer);
  values.forEach((v, i) => view.setBigInt64(i * 8, BigInt(v), true));
  return b;
}
