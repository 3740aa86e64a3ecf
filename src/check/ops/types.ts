// What the checker knows about one op: its option schema, how valid option values become
// a LayerSpec for src/model/build.ts, and the shape checks to run before building it.
import type { Op, Shape3, SourceLoc } from '../../model/checked.js';
import type { LayerSpec } from '../../model/build.js';
import type { StatementNode } from '../../frontend/ast.js';
import type { Limits } from '../limits.js';
import type { Reporter } from '../report.js';
import type { ValueKind } from '../values.js';

export interface OptionSchema {
  value: ValueKind;
  required?: boolean;
  /** What to write, for the "missing required option" message: `kernel=3x3`. */
  example?: string;
}

/** Option values that were read successfully, by key. */
export type OptionValues = Record<string, unknown>;

/** What a check that does not need the input shape can see. */
export type SpecContext = Omit<ShapeContext, 'input' | 'from'>;

export interface ShapeContext {
  /** `pool p2: ` */
  prefix: string;
  /** The block the layer receives. */
  input: Shape3;
  /** The name of the block's producer: the previous layer, or `input`. */
  from: string;
  batch: number;
  statement: StatementNode;
  /** Where the option's value is, or the op when the option was not written. */
  at(key: string): SourceLoc;
  r: Reporter;
  limits: Limits;
  /**
   * The nearest layer before this one that is not a pool, when its options were read: its
   * spec, option locations, and the names of the pools between (max pools, which commute
   * with adding a constant per channel). Unset after a layer whose options were wrong.
   */
  producer?: { spec: LayerSpec; at(key: string): SourceLoc; pools: string[] };
}

export interface OpRule {
  op: Op;
  options: Record<string, OptionSchema>;
  /** Builds the spec; called only when every required option was read. */
  spec(values: OptionValues, name: string, loc: SourceLoc): LayerSpec;
  /**
   * The output shape of a layer whose options are partly wrong, from the options that were
   * read, so the layers after it are still checked; undefined when it cannot be known.
   */
  partialOutput(values: OptionValues, input: Shape3): Shape3 | undefined;
  /** Warnings about the layer itself, whatever its input (run even when the shape is unknown). */
  lint?(spec: LayerSpec, c: SpecContext): void;
  /** Reports what makes the layer impossible on this input; false means do not build it. */
  checkShape?(spec: LayerSpec, c: ShapeContext): boolean;
}

/** `2x2`, `1x28x28`: how messages write sizes. */
export const dims = (...n: number[]): string => n.join('x');
