// What the editor says about ops and options (hover, completion): docs/language.md in
// short. The option schemas themselves (keys, kinds, required, allowed words) come from the
// checker's op table, so the two cannot disagree on what exists; a test checks that every
// key of every schema has its text here.
import { OP_RULES, isOp } from '../check/ops/index.js';
import { inputOptions } from '../check/ops/input.js';
import type { OptionSchema } from '../check/ops/types.js';

export interface OptionDoc { meaning: string; default: string }

export const OP_DOCS: Record<string, string> = {
  input: 'The input block: `shape=CxHxW` of one sample, `batch=T` samples per block. First line of every network.',
  conv: 'Convolution with an MxN kernel, stride 1, optional bias per output channel; the output keeps the input\'s height and width (values off the map count as 0). Output `out x H x W`.',
  bn: 'Batch normalisation; output has the input\'s shape. Parameters gamma, beta (learned), running mean and variance (state).',
  relu: '`max(0, x)` element by element. No options; output has the input\'s shape.',
  pool: 'Max pooling over PhxPw pools placed every Sh rows and Sw columns; channels unchanged. No parameters.',
  full: 'Full connection: every output is a weighted sum of all C·H·W inputs of its sample. Output `out x 1 x 1`.',
  softmax: 'Turns each sample\'s Kx1x1 block into probabilities; must be the last layer; the network then trains with cross-entropy.',
};

export const OPTION_DOCS: Record<string, Record<string, OptionDoc>> = {
  input: {
    shape: { meaning: 'channels x height x width of one sample (`CxHxW`, three parts)', default: 'required' },
    batch: { meaning: 'the mini-batch size T: every block holds T samples, and generated modules are specialised to it', default: '1' },
  },
  conv: {
    out: { meaning: 'the number of output channels', default: 'required' },
    kernel: { meaning: 'the kernel size MxN (rows x columns); `3` means `3x3`', default: 'required' },
    anchor: { meaning: 'the window position (row m, column n, from 0) that lands on the output position; may be negative or beyond the window', default: '(⌊(M-1)/2⌋, ⌊(N-1)/2⌋), the centre' },
    bias: { meaning: 'adds a learned bias per output channel to all its outputs (initialised to 0)', default: 'false' },
  },
  bn: {
    eps: { meaning: 'added to the variance before the square root (positive)', default: '1e-5' },
    momentum: { meaning: 'how far the running mean and variance move towards each training batch\'s statistics (0 to 1)', default: '0.1' },
    mode: { meaning: '`position`: each position (k,i,j) normalised over the T samples, one gamma/beta per position; `channel`: each channel over all T·H·W values, one gamma/beta per channel', default: 'position' },
  },
  relu: {},
  pool: {
    size: { meaning: 'the pool size PhxPw; `2` means `2x2`', default: 'required' },
    stride: { meaning: 'rows and columns between pools; below the size pools overlap, above it they leave gaps', default: 'the size (pools tile the map)' },
    round: { meaning: '`floor`: only pools wholly on the map; `ceil`: adds a last pool clipped to the map', default: 'floor' },
  },
  full: {
    out: { meaning: 'the number of outputs', default: 'required' },
    bias: { meaning: 'adds a learned bias per output (initialised to 0)', default: 'false' },
  },
  softmax: {},
};

/** The checker's option schema of an op or of `input`; undefined for an unknown op. */
export function schemaOf(op: string): Record<string, OptionSchema> | undefined {
  if (op === 'input') return inputOptions;
  return isOp(op) ? OP_RULES[op].options : undefined;
}

/** The allowed words of a word-valued option, or undefined. */
export function wordsOf(op: string, key: string): readonly string[] | undefined {
  const schema = schemaOf(op);
  if (!schema || !Object.hasOwn(schema, key)) return undefined;
  const v = schema[key].value;
  return v.kind === 'word' ? v.words : undefined;
}
