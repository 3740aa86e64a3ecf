// Confusion matrix of a classifier: rows are the true classes, columns the predicted ones,
// so the diagonal counts the correct answers and row r's off-diagonal cells say what class r
// was mistaken for.

export class Confusion {
  readonly counts: Int32Array;

  constructor(readonly classes: number) {
    this.counts = new Int32Array(classes * classes);
  }

  add(truth: number, predicted: number): void {
    this.counts[truth * this.classes + predicted]! += 1;
  }

  get count(): number {
    let n = 0;
    for (const c of this.counts) n += c;
    return n;
  }

  get correct(): number {
    let n = 0;
    for (let k = 0; k < this.classes; k++) n += this.counts[k * this.classes + k]!;
    return n;
  }

  /** Fraction of correct answers (0 when empty). */
  get accuracy(): number {
    const n = this.count;
    return n === 0 ? 0 : this.correct / n;
  }

  /** counts[truth][predicted] as nested arrays (the `confusion` of `eval --json`). */
  rows(): number[][] {
    const out: number[][] = [];
    for (let r = 0; r < this.classes; r++) out.push(Array.from(this.counts.subarray(r * this.classes, (r + 1) * this.classes)));
    return out;
  }

  /** A text table with each true class's recall at the end of its row. */
  format(): string {
    const k = this.classes;
    const width = Math.max(String(Math.max(0, ...this.counts)).length, String(k - 1).length) + 1;
    const cell = (s: string | number): string => String(s).padStart(width);
    const lines = ['rows: true class, columns: predicted class', `${cell('')} ${Array.from({ length: k }, (_, c) => cell(c)).join('')}   recall`];
    for (let r = 0; r < k; r++) {
      const row = this.counts.subarray(r * k, (r + 1) * k);
      const total = row.reduce((a, b) => a + b, 0);
      const recall = total === 0 ? '     -' : `${((100 * row[r]!) / total).toFixed(1).padStart(5)}%`;
      lines.push(`${cell(r)} ${Array.from(row, (v) => cell(v)).join('')}   ${recall}`);
    }
    return lines.join('\n');
  }
}

/** Index of the largest of `k` values starting at `offset` (the first one on ties). */
export function argmax(values: ArrayLike<number>, offset: number, k: number): number {
  let best = 0;
  let bestValue = values[offset]!;
  for (let i = 1; i < k; i++) {
    const v = values[offset + i]!;
    if (v > bestValue) {
      bestValue = v;
      best = i;
    }
  }
  return best;
}
