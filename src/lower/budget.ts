// The size budget of an emitted function. V8 never optimises a function whose bytecode
// exceeds 61,440 bytes (about 1,200 statements like `a += w * x[o + 37]`), and such a
// function runs 20–60× slower; near the limit, optimisation itself takes a second or
// more. The lowering therefore unrolls only while every function stays well under it.
// Measured here (node 20): one such statement costs 45–55 bytes of bytecode, so 300 of
// them stay near a quarter of the limit; TurboFan's compile time grows faster than the
// function, so several small functions also tier up sooner than one large one.

/** Most unrolled multiply-add (or compare) statements one emitted function may hold. */
export const MAX_TERMS_PER_FUNCTION = 300;

/**
 * Most functions the border regions of one conv pass may be spread over. More functions
 * allow wider channel blocks on the border (faster on small maps, where the border is
 * much of the work) at the cost of module size.
 */
export const MAX_BORDER_FUNCTIONS = 2;

/**
 * Gradient pieces with more live accumulators than this (channel block × window taps)
 * accumulate one tap row at a time instead of the whole window at once.
 */
export const GRAD_ROWS_ABOVE = 40;

/**
 * When at least this share of a conv's work lies in the border (LeNet's c2: 42%), the
 * border's edge strips — regions with at least WIDE_REGION_OUTPUTS outputs — are blocked
 * over channels on their own (measured 25–35% faster there) and the corners go one channel
 * at a time; below it (LeNet's c1: 20%) the extra code is not worth it.
 */
export const BORDER_SHARE = 0.3;
export const WIDE_REGION_OUTPUTS = 4;

/** What one region with rolled tap loops costs, in the same statement measure. */
export const ROLLED_REGION_TERMS = 8;

/**
 * Most output channels that share each loaded input value (register blocking). Measured
 * on the VGG and LeNet convs: 4 runs as fast as 8 within noise, with about 40% less code
 * and half the TurboFan compile time.
 */
export const MAX_CHANNEL_BLOCK = 4;

/**
 * Most weights (or gradient accumulators) held in locals by one channel block: a 3x3
 * window blocks 4 channels (MAX_CHANNEL_BLOCK), 5x5 three. Beyond this, TurboFan spends much longer
 * allocating registers (seconds for 240 live values) and the kernel gets no faster.
 */
export const MAX_LIVE_VALUES = 96;

/**
 * Channel block size for `channels` channels, at most `cap`: the largest, but preferring
 * one that divides `channels` (no remainder pass) if it is at least half as big.
 */
export function channelBlock(channels: number, cap: number): number {
  cap = Math.min(channels, cap);
  if (cap <= 1) return 1;
  for (let b = cap; b * 2 >= cap; b--) if (channels % b === 0) return b;
  return cap;
}

/** Channel groups for block size `block`: full blocks, then one remainder block. */
export function channelGroups(channels: number, block: number): { start: number; end: number; size: number }[] {
  const full = Math.floor(channels / block) * block;
  const groups: { start: number; end: number; size: number }[] = [];
  if (full > 0) groups.push({ start: 0, end: full, size: block });
  if (full < channels) groups.push({ start: full, end: channels, size: channels - full });
  return groups;
}

/**
 * Greedy packing of items, in order, into lists whose costs sum to at most `budget`;
 * null when a single item alone is over it.
 */
export function packByCost<T>(items: T[], cost: (item: T) => number, budget = MAX_TERMS_PER_FUNCTION): T[][] | null {
  const packs: T[][] = [];
  let current: T[] = [];
  let used = 0;
  for (const item of items) {
    const c = cost(item);
    if (c > budget) return null;
    if (used + c > budget && current.length > 0) { packs.push(current); current = []; used = 0; }
    current.push(item);
    used += c;
  }
  if (current.length > 0) packs.push(current);
  return packs;
}
