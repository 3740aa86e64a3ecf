// Checks one network: the input line, every layer's options, names and shapes, the size
// limits; and, when nothing is wrong, builds the checked network with buildNetwork.
import type { NetworkNode, StatementNode } from '../frontend/ast.js';
import type { CheckedNetwork, Layer, Shape3 } from '../model/checked.js';
import type { LayerSpec } from '../model/build.js';
import { buildLayer, buildNetwork } from '../model/build.js';
import { didYouMean } from '../diagnostics/suggest.js';
import { KEYWORDS, OPTION_KEYS } from '../../grammar/tokens.js';
import type { Limits } from './limits.js';
import { checkLayerLimits, checkNetworkLimits, checkInputLimits } from './limit-checks.js';
import { readOptions } from './options.js';
import { OP_NAMES, OP_RULES, isOp } from './ops/index.js';
import { inputOptions } from './ops/input.js';
import type { ShapeContext, SpecContext } from './ops/types.js';
import type { Reporter } from './report.js';

interface InputLine {
  shape: [number, number, number] | undefined;
  batch: number;
}

function checkInput(st: StatementNode, r: Reporter, limits: Limits): InputLine {
  if (st.name) r.error('E018', st.name.loc, `input takes no name, found '${st.name.text}'`);
  const { values } = readOptions(st, inputOptions, 'input: ', r, limits);
  const batch = (values.batch as number | undefined) ?? 1;
  const shape = values.shape as [number, number, number] | undefined;
  let ok = true;
  if (batch > limits.maxBatch) {
    r.error('E016', st.options.find((o) => o.key.text === 'batch')?.value?.loc ?? st.op.loc, `input: batch=${batch} is too large (at most ${limits.maxBatch})`);
    ok = false;
  }
  if (shape && ok) ok = checkInputLimits(st, shape, batch, r, limits);
  return { shape: ok ? shape : undefined, batch };
}

export function checkNetwork(net: NetworkNode, r: Reporter, limits: Limits, build = true): CheckedNetwork | undefined {
  const errorsBefore = r.errorCount;
  const netName = net.name?.text ?? '?';
  const netLoc = net.name?.loc ?? net.loc;
  const [first, ...rest] = net.statements;

  let input: InputLine = { shape: undefined, batch: 1 };
  let layerStatements = net.statements;
  let inputLine = 0;
  if (net.name && KEYWORDS.includes(netName)) {
    r.error('E002', net.name.loc, `expected a name, found the keyword '${netName}' (keywords cannot be names)`);
  }
  if (!first) {
    // After a syntax error the parser may have skipped the lines: that error says enough.
    if (!net.recovered) r.error('E018', netLoc, `network ${netName} is empty: its first line must be 'input shape=CxHxW'`);
    return undefined;
  }
  if (first.op.text === 'input') {
    input = checkInput(first, r, limits);
    layerStatements = rest;
    inputLine = first.op.loc.line;
  } else {
    r.error('E018', first.op.loc, `network ${netName}: the first line must be 'input shape=CxHxW', found '${first.op.text}'`);
  }
  if (layerStatements.length === 0 && inputLine > 0 && !net.recovered) {
    r.error('E034', netLoc, `network ${netName} has no layers after its input`);
  }

  const counts = new Map<string, number>();
  const names = new Map<string, number>(); // layer name → line
  const specs: LayerSpec[] = [];
  const built: Layer[] = [];
  let current: Shape3 | undefined = input.shape && { c: input.shape[0], h: input.shape[1], w: input.shape[2] };
  let from = 'input';
  let softmaxAt: { name: string; line: number } | undefined;
  let producer: SpecContext['producer'];

  for (const st of layerStatements) {
    const op = st.op.text;
    if (op === 'input') {
      r.error('E018', st.op.loc, inputLine > 0
        ? `input must be the first line of the network and given once (it is on line ${inputLine})`
        : 'input must be the first line of the network');
      current = undefined;
      producer = undefined;
      continue;
    }
    if (!isOp(op)) {
      const hint = (OPTION_KEYS as readonly string[]).includes(op)
        ? `; '${op}' is an option: did you forget the '=' in ${op}=VALUE?`
        : didYouMean(op, OP_NAMES) || ` (the ops are ${OP_NAMES.join(', ')})`;
      r.error('E010', st.op.loc, `unknown op '${op}'${hint}`);
      current = undefined;
      producer = undefined;
      continue;
    }
    const n = (counts.get(op) ?? 0) + 1;
    counts.set(op, n);
    const name = st.name?.text ?? `${op}${n}`;
    const prefix = `${op} ${name}: `;
    const nameLine = names.get(name);
    if (nameLine !== undefined) {
      r.error('E020', st.name?.loc ?? st.op.loc, st.name
        ? `${prefix}the name '${name}' is already used on line ${nameLine}`
        : `${prefix}the automatic name '${name}' is already used on line ${nameLine}; give this layer a name`);
    } else {
      names.set(name, st.op.loc.line);
    }
    if (softmaxAt) {
      r.error('E033', st.op.loc, `${prefix}no layer may follow softmax (${softmaxAt.name} on line ${softmaxAt.line} ends the network)`);
      softmaxAt = undefined; // report once per network
    }
    if (op === 'softmax') softmaxAt = { name, line: st.op.loc.line };

    const rule = OP_RULES[op];
    const { values, ok } = readOptions(st, rule.options, prefix, r, limits);
    if (!ok) {
      current = current && rule.partialOutput(values, current);
      from = name;
      producer = undefined;
      continue;
    }
    const spec = rule.spec(values, name, st.op.loc);
    specs.push(spec);
    const specCtx: SpecContext = {
      prefix, batch: input.batch, statement: st, r, limits,
      at: (key) => st.options.find((o) => o.key.text === key)?.value?.loc ?? st.op.loc,
      producer,
    };
    rule.lint?.(spec, specCtx);
    producer = spec.op === 'pool' && producer ? { ...producer, pools: [...producer.pools, name] } : { spec, at: specCtx.at, pools: [] };
    if (!current) continue;
    const ctx: ShapeContext = { ...specCtx, input: current, from };
    if (rule.checkShape && !rule.checkShape(spec, ctx)) { current = undefined; continue; }
    const layer = buildLayer(spec, current, built.length, name);
    if (!checkLayerLimits(layer, input.batch, prefix, st, r, limits)) { current = undefined; continue; }
    built.push(layer);
    current = layer.output;
    from = name;
  }
  if (!build || r.errorCount > errorsBefore || !input.shape) return undefined;
  const net2 = buildNetwork({ name: netName, batch: input.batch, input: input.shape, layers: specs, loc: net.loc });
  return checkNetworkLimits(net2, netLoc, r, limits) ? net2 : undefined;
}
