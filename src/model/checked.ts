// The checked model: what the shape checker hands to every later stage (interpreter,
// lowering, emitter, CLI). Plain data, every shape resolved, every default filled in.
// Names follow docs/operations.md: a conv kernel is M×N (rows × cols) with anchor (m, n).

/** A place in a source file. `line` and `column` are 1-based, `offset` 0-based. */
export interface SourceLoc {
  line: number;
  column: number;
  offset: number;
  length: number;
}

/** One sample's block: channels × height × width (NCHW without the batch). */
export interface Shape3 {
  c: number;
  h: number;
  w: number;
}

export type Op = 'conv' | 'bn' | 'relu' | 'pool' | 'full' | 'softmax';

/** Keys of a layer's parameter and state tensors, in the order they are stored. */
export type ParamKey = 'w' | 'b' | 'gamma' | 'beta' | 'runningMean' | 'runningVar';

/**
 * A parameter or state tensor of a layer. `learnable` tensors have gradients and are
 * updated by SGD; the BN running statistics are state only.
 */
export interface ParamSpec {
  key: ParamKey;
  shape: number[];
  size: number;
  learnable: boolean;
  /** How the seeded initialisation fills it (see src/model/init.ts). */
  init: 'he' | 'zeros' | 'ones';
  /** Fan-in for He initialisation (conv: C_l·M·N, full: C_l·H_l·W_l). */
  fanIn: number;
}

interface LayerCommon {
  /** Stable name: the one written, or `<op><n>` counting that op from 1. */
  name: string;
  /** Position in the network's layer list, from 0. */
  index: number;
  input: Shape3;
  output: Shape3;
  /** Parameter and state tensors in storage order (weights JSON, binary form, init). */
  params: ParamSpec[];
  /** Multiply-adds of one sample's forward pass (docs/operations.md, "Counting work"). */
  macs: number;
  /** Where the layer's op keyword is. */
  loc: SourceLoc;
}

export interface ConvLayer extends LayerCommon {
  op: 'conv';
  /** Kernel size M × N. */
  kernel: { rows: number; cols: number };
  /** Anchor (m, n): any integers, also outside the window. */
  anchor: { row: number; col: number };
  /**
   * `bias=true`: b[k] (param `b`, after `w`) is added to every output of channel k. Absent
   * without a bias, so that checked networks of unbiased convs (embedded in generated tests
   * and plan dumps) print exactly as they did before conv had the option.
   */
  bias?: boolean;
}

export interface BnLayer extends LayerCommon {
  op: 'bn';
  eps: number;
  momentum: number;
  /** `position`: the notes' per-(k,i,j) BN; `channel`: statistics over t,i,j per channel. */
  mode: 'position' | 'channel';
}

export interface ReluLayer extends LayerCommon {
  op: 'relu';
}

export interface PoolLayer extends LayerCommon {
  op: 'pool';
  size: { rows: number; cols: number };
  stride: { rows: number; cols: number };
  round: 'floor' | 'ceil';
}

export interface FullLayer extends LayerCommon {
  op: 'full';
  bias: boolean;
}

export interface SoftmaxLayer extends LayerCommon {
  op: 'softmax';
}

export type Layer = ConvLayer | BnLayer | ReluLayer | PoolLayer | FullLayer | SoftmaxLayer;

export interface CheckedNetwork {
  name: string;
  /** Mini-batch size T. */
  batch: number;
  input: Shape3;
  layers: Layer[];
  /** Output block of the last layer (the input shape when there are no layers). */
  output: Shape3;
  /** True when the last layer is softmax: backward then starts from labels. */
  endsWithSoftmax: boolean;
  totals: { params: number; macs: number };
  loc: SourceLoc;
}

export interface CheckedModel {
  /** The file the model came from, as given on the command line. */
  file: string;
  networks: CheckedNetwork[];
}

export const size3 = (s: Shape3): number => s.c * s.h * s.w;
