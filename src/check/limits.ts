// Size limits: a model beyond them is refused with the numbers, instead of cnnc trying to
// allocate gigabytes or emit kernels V8 will never optimise. Every limit can be changed by
// passing `limits` to checkSource; the defaults suit models that train in a browser tab.

export interface Limits {
  /** Any single size, count or anchor magnitude written in the model. */
  maxDimension: number;
  /** The mini-batch size T. */
  maxBatch: number;
  /** Numbers in any block of the whole batch, T·C·H·W (input and every layer output). */
  maxBlockElements: number;
  /** Numbers in any one parameter tensor (conv or full weights, bn γ/β). */
  maxWeightElements: number;
  /** Multiply-adds of one sample's forward pass through a network. */
  maxMacsPerSample: number;
  /**
   * Estimated statements of a network's generated kernels if every window is unrolled once
   * (conv: forward, backward and gradient each M·N; pool: path and backward each Ph·Pw;
   * other layers a few). A coarse guard against absurd windows, not a promise about the
   * emitter's choices.
   */
  maxKernelStatements: number;
  /** Layers in the whole file, all networks together (E044); counted before parsing. */
  maxLayers: number;
  /** Bytes of the source file (E045); a file is read no further than this. */
  maxSourceBytes: number;
}

export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze({
  maxDimension: 1 << 20, // 1,048,576
  maxBatch: 1 << 16, // 65,536
  maxBlockElements: 1 << 26, // 67,108,864 numbers = 256 MiB as float32
  maxWeightElements: 1 << 26,
  maxMacsPerSample: 1e10,
  maxKernelStatements: 1_000_000,
  maxLayers: 500,
  maxSourceBytes: 1 << 20, // 1 MiB; a model is a few kilobytes
});

export function resolveLimits(partial?: Partial<Limits>): Limits {
  return { ...DEFAULT_LIMITS, ...(partial ?? {}) };
}

/** `12345678` → `12,345,678`, for messages. */
export const big = (n: number): string => n.toLocaleString('en-US');
