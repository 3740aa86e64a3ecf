// A tiny indented line writer for the window kernels, plus literal-offset arithmetic so
// the emitted index expressions read `x[xo + 37]`, `x[xo - 3]` or `x[xo]`.

export class CodeWriter {
  private readonly lines: string[] = [];
  private depth = 0;

  line(text: string): this {
    this.lines.push('  '.repeat(this.depth) + text);
    return this;
  }

  /** `head {`, then indent. */
  open(head: string): this {
    this.line(head === '' ? '{' : `${head} {`);
    this.depth++;
    return this;
  }

  close(tail = '}'): this {
    this.depth--;
    this.line(tail);
    return this;
  }

  /**
   * A counted loop with literal bounds; a loop of one iteration becomes a block with the
   * variable as a constant (no loop at all for V8 to handle).
   */
  forRange(v: string, start: number, end: number, step = 1): this {
    if (end - start <= step) return this.open('').line(`const ${v} = ${start};`);
    return this.open(`for (let ${v} = ${start}; ${v} < ${end}; ${step === 1 ? `${v}++` : `${v} += ${step}`})`);
  }

  toString(): string {
    return this.lines.join('\n');
  }
}

/** `base + off` with the literal folded in: `base`, `base + 3`, `base - 3`. */
export function plus(base: string, off: number): string {
  if (off === 0) return base;
  return off > 0 ? `${base} + ${off}` : `${base} - ${-off}`;
}

/** `a * k` with the trivial cases folded: `0`, `a`, `a * k`. */
export function times(a: string, k: number): string {
  if (k === 0) return '0';
  if (k === 1) return a;
  return `${a} * ${k}`;
}

/** A sum of terms, dropping zeros: `sum(['k * 150', '0', 'c * 25'])` → `k * 150 + c * 25`. */
export function sum(terms: string[]): string {
  const kept = terms.filter((t) => t !== '0');
  return kept.length === 0 ? '0' : kept.join(' + ');
}

/** `base + v * k` with the sign of `k` folded: `base + p * 5`, `base - p * 5`, `base`. */
export function addScaled(base: string, v: string, k: number): string {
  if (k === 0) return base;
  return k > 0 ? `${base} + ${times(v, k)}` : `${base} - ${times(v, -k)}`;
}

/** `lo, lo+1, ..., hi-1` (empty when hi <= lo). */
export const range = (lo: number, hi: number): number[] => Array.from({ length: Math.max(0, hi - lo) }, (_, k) => lo + k);

/** `f(0) sep f(1) sep ... f(B-1)`: one piece of text per channel of a block. */
export const blockOf = (B: number, f: (b: number) => string, sep: string): string => range(0, B).map(f).join(sep);

/** Offset in `w` of the weight for (blocked channel b, swept channel 0, tap p, tap q) of a conv pass. */
export function weightOffset(L: { outStride: number; tapBase: number; pStride: number; qStride: number }, b: number, p: number, q: number): number {
  return b * L.outStride + L.tapBase + p * L.pStride + q * L.qStride;
}

/** `export function <name>(a: F, b: Int32Array, ...): <returns>`: a kernel's head, from its plan. */
export function signature(k: { name: string; params: { name: string; type: string }[]; returns: string }): string {
  return `export function ${k.name}(${k.params.map((p) => `${p.name}: ${p.type}`).join(', ')}): ${k.returns}`;
}
