// The catalog of diagnostic codes. Every diagnostic cnnc reports has one; the code ends the
// first line (`… [E030]`) so scripts can match on it while the message stays readable.
// Codes are stable: add new ones, never renumber.

export const CODES = {
  // Syntax
  E001: 'unexpected character',
  E002: 'unexpected token',
  E003: 'unexpected end of file',
  E004: 'empty file: no network',
  // Statements and options
  E010: 'unknown op',
  E011: 'unknown option',
  E012: 'repeated option',
  E013: 'missing required option',
  E014: 'value of the wrong kind',
  E015: 'size of zero or a negative size',
  E016: 'number too large',
  E017: 'value out of range or not one of the allowed words',
  E018: 'misplaced, repeated or missing input line',
  // Names
  E020: 'repeated layer name',
  E021: 'repeated network name',
  // Shapes
  E030: 'pool larger than its input map (floor mode)',
  E031: 'conv window off the map for every output',
  E032: 'softmax input is not Cx1x1',
  E033: 'layer after softmax',
  E034: 'network with no layers',
  // Size limits
  E040: 'block too large',
  E041: 'weight tensor too large',
  E042: 'too many multiply-adds per sample',
  E043: 'generated code too large',
  E044: 'too many layers in the file',
  E045: 'source file too large',
  // Warnings
  W001: 'bn in position mode with batch=1',
  W002: 'conv or full bias=true right before bn (or with only pools between)',
} as const;

export type Code = keyof typeof CODES;

/**
 * Warnings about training only (bn's batch statistics): an inference build or an ONNX export
 * runs bn with its running statistics, where neither applies (an imported network's conv
 * bias before bn matters there), so those commands do not print them.
 */
export const TRAINING_WARNINGS: readonly Code[] = ['W001', 'W002'];
