// The emitter's table of ops: one descriptor per op (src/emit/kernels/<op>.ts), which prints
// its kernel plans, writes its calls in the model's forward and backward chains and its
// checks in the generated test. Adding an op adds one entry here.
import type { Layer, Op } from '../model/checked.js';
import type { Dtype, KernelPlan } from '../lower/types.js';
import { bnEmitter } from './kernels/bn.js';
import { convEmitter } from './kernels/conv.js';
import { fullEmitter } from './kernels/full.js';
import { poolEmitter } from './kernels/pool.js';
import { reluEmitter } from './kernels/relu.js';
import { softmaxEmitter } from './kernels/softmax.js';
import type { KernelSource, OpEmitter } from './kernels/types.js';

// Each entry prints only its own kinds (printKernel dispatches on `kinds`).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Table = { [K in Op]: OpEmitter<Extract<Layer, { op: K }>, any> };

// Built on first use: the op files re-export the compatibility entry points of
// src/emit/compat.ts, which import this file, so while the modules load the entries may
// not exist yet.
let table: Table | undefined;
let opOfKind: Map<KernelPlan['kind'], Op> | undefined;

/** The table: op → descriptor. */
export function opEmitters(): Table {
  return table ??= {
    conv: convEmitter,
    bn: bnEmitter,
    relu: reluEmitter,
    pool: poolEmitter,
    full: fullEmitter,
    softmax: softmaxEmitter,
  };
}

/** The descriptor of an op. */
export function emitterOf(op: Op): OpEmitter {
  const entry = opEmitters()[op] as OpEmitter | undefined;
  if (!entry) throw new Error(`cnnc: no emitter for op ${op}`);
  return entry;
}

/** One kernel plan printed: its code with the plan's name, role, signature and schedule. */
export function printKernel(k: KernelPlan, dtype: Dtype): KernelSource {
  opOfKind ??= new Map((Object.entries(opEmitters()) as [Op, OpEmitter][]).flatMap(([op, e]) => e.kinds.map((kind) => [kind, op] as const)));
  const op = opOfKind.get(k.kind);
  if (!op) throw new Error(`cnnc: no emitter prints kernels of kind ${k.kind}`);
  return { role: k.role, name: k.name, params: k.params, returns: k.returns, code: emitterOf(op).print(k, dtype), schedule: k.schedule, macs: k.macs };
}
