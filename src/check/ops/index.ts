// The op table: one module per op, registered here.
import type { Op } from '../../model/checked.js';
import { bn } from './bn.js';
import { conv } from './conv.js';
import { full } from './full.js';
import { pool } from './pool.js';
import { relu } from './relu.js';
import { softmax } from './softmax.js';
import type { OpRule } from './types.js';

export const OP_RULES: Record<Op, OpRule> = { conv, bn, relu, pool, full, softmax };
export const OP_NAMES = Object.keys(OP_RULES) as Op[];

export const isOp = (word: string): word is Op => Object.hasOwn(OP_RULES, word);
