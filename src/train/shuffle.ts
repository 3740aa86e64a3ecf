// Seeded shuffling of the training set: one mulberry32 stream (src/model/init.ts) per
// training run, seeded with the run's seed, reshuffling the previous order with
// Fisher–Yates at the start of every epoch. The same seed and data give the same batches.
import { mulberry32 } from '../model/init.js';

export class Shuffler {
  private readonly next: () => number;
  readonly order: Int32Array;

  constructor(count: number, seed: number) {
    // A different stream from the weights' initialisation, which starts at `seed` itself.
    this.next = mulberry32((seed ^ 0x5eed5eed) >>> 0);
    this.order = new Int32Array(count);
    for (let i = 0; i < count; i++) this.order[i] = i;
  }

  /** Reshuffles `order` in place (Fisher–Yates: j uniform in 0..i) and returns it. */
  shuffle(): Int32Array {
    const a = this.order;
    for (let i = a.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      const t = a[i]!;
      a[i] = a[j]!;
      a[j] = t;
    }
    return a;
  }
}
