// What the language server knows about one version of a document: the diagnostics of
// `cnnc check` (the same checkSource), the AST, each network's extent, and the checked
// layers of every network that has no error of its own (so shapes are shown for the
// good networks of a file even while another one is being typed).
import { CnnLexer } from '../../grammar/tokens.js';
import { checkNetwork } from '../check/network.js';
import { resolveLimits, type Limits } from '../check/limits.js';
import { Reporter } from '../check/report.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { NetworkNode, StatementNode } from '../frontend/ast.js';
import type { FileNode } from '../frontend/ast.js';
import { checkSource } from '../frontend/index.js';
import type { CheckedNetwork, Layer } from '../model/checked.js';

export interface StatementInfo {
  node: StatementNode;
  /** Offset just after its last token. */
  end: number;
  /** The written or automatic name (`relu2`); null for the input line and unknown ops. */
  name: string | null;
  /** The checked layer, when the network checks. */
  layer: Layer | undefined;
}

export interface NetworkInfo {
  node: NetworkNode;
  /** From the `network` keyword to just after its `}` (or where the next network starts). */
  start: number;
  end: number;
  statements: StatementInfo[];
  /**
   * The checked network: all of it when it has no error (warnings allowed), else its
   * statements before the first error (see checkPrefix); undefined when none check.
   */
  checked: CheckedNetwork | undefined;
  /** `checked` is the whole network. */
  complete: boolean;
}

export interface Analysis {
  /** The text as analysed (a leading byte-order mark replaced by a space, so offsets stay). */
  text: string;
  diagnostics: Diagnostic[];
  ast: FileNode;
  networks: NetworkInfo[];
}

export function statementEnd(st: StatementNode): number {
  let end = st.op.loc.offset + st.op.loc.length;
  if (st.name) end = Math.max(end, st.name.loc.offset + st.name.loc.length);
  for (const o of st.options) {
    end = Math.max(end, o.key.loc.offset + o.key.loc.length);
    if (o.value) end = Math.max(end, o.value.loc.offset + o.value.loc.length);
  }
  return end;
}

/** Automatic names exactly as the checker gives them: `<op><n>`, counting that op from 1, named layers included. */
function layerNames(statements: StatementNode[]): (string | null)[] {
  const counts = new Map<string, number>();
  return statements.map((st) => {
    const op = st.op.text;
    if (op === 'input') return null;
    const n = (counts.get(op) ?? 0) + 1;
    counts.set(op, n);
    return st.name?.text ?? `${op}${n}`;
  });
}

/**
 * The network as far as it is right: its statements before the first one that holds an
 * error (or lost a value to a syntax error), checked on their own. A layer's shape depends
 * only on the lines above it, so these are the shapes the whole file will have once the
 * later lines are fixed; while the user types at the end, the layers above keep their
 * shapes. Undefined when the error comes before the first layer.
 */
function checkPrefix(node: NetworkNode, errors: Diagnostic[], limits: Limits): CheckedNetwork | undefined {
  if (errors.length === 0) return checkNetwork(node, new Reporter(), limits, true);
  const firstError = Math.min(...errors.map((d) => d.loc.offset));
  let k = 0;
  while (k < node.statements.length) {
    const st = node.statements[k];
    if (statementEnd(st) >= firstError || st.options.some((o) => o.value === null)) break;
    k++;
  }
  if (k < 2 || firstError < node.statements[0].op.loc.offset) return undefined;
  return checkNetwork({ ...node, statements: node.statements.slice(0, k), recovered: false }, new Reporter(), limits, true);
}

export function analyse(input: string, file = 'document.cnn'): Analysis {
  const text = input.startsWith('\uFEFF') ? ` ${input.slice(1)}` : input;
  const result = checkSource(text, file);
  const { ast, diagnostics } = result;
  const closes = CnnLexer.tokenize(text).tokens.filter((t) => t.tokenType.name === 'RCurly').map((t) => t.startOffset);
  const limits = resolveLimits();
  const networks = ast.networks.map((node, i): NetworkInfo => {
    const start = node.loc.offset;
    const nextStart = ast.networks[i + 1]?.loc.offset ?? text.length;
    const lastEnd = node.statements.length > 0 ? statementEnd(node.statements[node.statements.length - 1]) : start;
    const close = closes.find((c) => c >= lastEnd && c < nextStart);
    const end = close === undefined ? nextStart : close + 1;
    const names = layerNames(node.statements);
    let checked: CheckedNetwork | undefined;
    const last = i === ast.networks.length - 1;
    const own = diagnostics.filter((d) => d.severity === 'error' && d.loc.offset >= start && (d.loc.offset < end || (last && d.loc.offset <= end)));
    const fileErrors = diagnostics.some((d) => d.severity === 'error' && d.loc.offset < ast.networks[0].loc.offset);
    if (result.model) checked = result.model.networks.find((n) => n.loc.offset === start);
    else if (!fileErrors) checked = checkPrefix(node, own, limits);
    const byOffset = new Map((checked?.layers ?? []).map((l) => [l.loc.offset, l]));
    return {
      node, start, end, checked, complete: checked !== undefined && own.length === 0,
      statements: node.statements.map((st, j) => ({
        node: st, end: statementEnd(st), name: names[j], layer: byOffset.get(st.op.loc.offset),
      })),
    };
  });
  return { text, diagnostics, ast, networks };
}

/** The network whose extent holds the offset (or, between networks, none). */
export function networkAt(a: Analysis, offset: number): NetworkInfo | undefined {
  return a.networks.find((n) => offset >= n.start && offset <= n.end);
}
