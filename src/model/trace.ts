// The trace of one `cnnc run` (docs/formats.md, "Trace"): identical in form for both
// engines, so they can be compared number by number.

export interface TraceLayer {
  name: string;
  op: string;
  /** [T, C, H, W] of the layer's output block. */
  shape: [number, number, number, number];
  output: number[];
  /** ∂J/∂output; null for softmax and when there is no backward pass. */
  sensitivity: number[] | null;
  /** Weight gradients by key (`w`, `b`, `gamma`, `beta`); {} without backward or weights. */
  grads: Record<string, number[]>;
  /** Pool layers only: flat in-map index of each output's maximum. */
  path?: number[];
}

export interface Trace {
  network: string;
  engine: 'generated' | 'interpreter';
  loss: number | null;
  layers: TraceLayer[];
  inputSensitivity: number[] | null;
}

/** What `cnnc run` asks an engine to do: one forward pass and, given a target, one backward. */
export interface RunRequest {
  weights: import('./weights.js').Weights;
  input: Float64Array;
  mode: 'train' | 'infer';
  /** One-hot or soft labels, T·K numbers (networks ending in softmax). */
  labels?: Float64Array;
  /** ∂J/∂output, shaped like the output (networks not ending in softmax). */
  outSens?: Float64Array;
}

export interface Engine {
  readonly name: 'generated' | 'interpreter';
  run(net: import('./checked.js').CheckedNetwork, req: RunRequest): Promise<Trace>;
}

/**
 * The first number of a trace that is not finite (NaN or ±Infinity; JSON would write it as
 * null), in the order layers (output, sensitivity, gradients), loss, input sensitivity, or
 * null when every number is finite.
 */
export function firstNonFinite(trace: Trace): { where: string; index: number; value: number } | null {
  const scan = (where: string, a: ArrayLike<number> | null | undefined) => {
    if (!a) return null;
    for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) return { where, index: i, value: a[i] };
    return null;
  };
  for (const layer of trace.layers) {
    const bad =
      scan(`layer ${layer.name} (${layer.op}): output`, layer.output) ??
      scan(`layer ${layer.name} (${layer.op}): sensitivity`, layer.sensitivity) ??
      Object.entries(layer.grads).reduce<ReturnType<typeof scan>>((found, [key, g]) => found ?? scan(`layer ${layer.name} (${layer.op}): gradient ${key}`, g), null);
    if (bad) return bad;
  }
  // The layers first: where a value first stops being finite says more than the loss, which
  // NaN reaches from anywhere (ReLU lets NaN through).
  if (trace.loss !== null && !Number.isFinite(trace.loss)) return { where: 'the loss', index: -1, value: trace.loss };
  return scan('the input sensitivity', trace.inputSensitivity);
}
