// Reads a statement's options against its schema: unknown keys (with the closest valid
// one), repeated keys, missing required keys, then each value by its kind.
import type { StatementNode } from '../frontend/ast.js';
import { closest, didYouMean } from '../diagnostics/suggest.js';
import type { Limits } from './limits.js';
import type { OptionSchema, OptionValues } from './ops/types.js';
import type { Reporter } from './report.js';
import { readValue } from './values.js';

export interface ReadOptions {
  values: OptionValues;
  /** False when any option was wrong or a required one missing. */
  ok: boolean;
}

export function readOptions(
  st: StatementNode, schema: Record<string, OptionSchema>, prefix: string, r: Reporter, limits: Limits,
): ReadOptions {
  const keys = Object.keys(schema);
  const values: OptionValues = {};
  const seen = new Map<string, number>();
  const suggested = new Set<string>(); // keys offered by "did you mean": not reported missing too
  let ok = true;
  for (const opt of st.options) {
    const key = opt.key.text;
    if (!Object.hasOwn(schema, key)) {
      const takes = keys.length === 0 ? `${st.op.text} takes no options` : `${st.op.text} takes ${keys.join(', ')}`;
      const hint = didYouMean(key, keys);
      const close = closest(key, keys);
      if (close) suggested.add(close);
      r.error('E011', opt.key.loc, `${prefix}unknown option '${key}'${hint || ` (${takes})`}`);
      ok = false;
      continue;
    }
    const firstLine = seen.get(key);
    if (firstLine !== undefined) {
      r.error('E012', opt.key.loc, `${prefix}option '${key}' is repeated (first given on line ${firstLine})`);
      ok = false;
      continue;
    }
    seen.set(key, opt.key.loc.line);
    if (opt.value === null) { ok = false; continue; } // the syntax error is already reported
    const v = readValue(opt.value, schema[key].value, { prefix, key, r, limits });
    if (v === undefined) ok = false;
    else values[key] = v;
  }
  for (const key of keys) {
    if (schema[key].required && !seen.has(key)) {
      ok = false;
      if (suggested.has(key)) continue;
      const example = schema[key].example;
      r.error('E013', st.op.loc, `${prefix}missing required option '${key}'${example ? ` (write e.g. ${example})` : ''}`);
    }
  }
  return { values, ok };
}
