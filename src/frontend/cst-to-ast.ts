// CST → AST. Chevrotain's CST is a bag of children by label; this turns it into the typed
// AST of ast.ts. With error recovery a node may lack children: those become null or are
// dropped, and the syntax error itself has already been reported by the parser.
import type { CstElement, CstNode, IToken } from 'chevrotain';
import type { FileNode, Ident, NetworkNode, NumberValue, OptionNode, StatementNode, Value } from './ast.js';
import { hasPosition, tokenLoc } from './locate.js';

const isToken = (e: CstElement): e is IToken => (e as IToken).image !== undefined;

function tokens(node: CstNode, label: string): IToken[] {
  return (node.children[label] ?? []).filter(isToken).filter((t) => hasPosition(t) && !t.isInsertedInRecovery);
}

function nodes(node: CstNode, label: string): CstNode[] {
  return (node.children[label] ?? []).filter((e): e is CstNode => !isToken(e));
}

function ident(node: CstNode, label: string): Ident | null {
  const t = tokens(node, label)[0];
  return t ? { text: t.image, loc: tokenLoc(t) } : null;
}

export function fileToAst(cst: CstNode): FileNode {
  return { networks: nodes(cst, 'network').map(networkToAst).filter((n): n is NetworkNode => n !== null) };
}

function networkToAst(node: CstNode): NetworkNode | null {
  const kw = tokens(node, 'Network')[0];
  if (!kw) return null;
  return {
    loc: tokenLoc(kw),
    name: ident(node, 'name'),
    statements: nodes(node, 'statement').map(statementToAst).filter((s): s is StatementNode => s !== null),
    recovered: node.recoveredNode === true,
  };
}

function statementToAst(node: CstNode): StatementNode | null {
  const op = ident(node, 'op');
  if (!op) return null;
  return {
    op,
    name: ident(node, 'name'),
    options: nodes(node, 'keyValue').map(optionToAst).filter((o): o is OptionNode => o !== null),
  };
}

function optionToAst(node: CstNode): OptionNode | null {
  const key = ident(node, 'key');
  if (!key) return null;
  const valueNode = nodes(node, 'value')[0];
  return { key, value: valueNode ? valueToAst(valueNode) : null };
}

function numberValue(t: IToken): NumberValue {
  return { kind: 'number', text: t.image, value: Number(t.image), integer: /^-?\d+$/.test(t.image), loc: tokenLoc(t) };
}

function valueToAst(node: CstNode): Value | null {
  const size = tokens(node, 'Size')[0];
  if (size) return { kind: 'size', text: size.image, parts: size.image.split('x').map(Number), loc: tokenLoc(size) };
  const num = tokens(node, 'Number')[0];
  if (num) return numberValue(num);
  const word = tokens(node, 'word')[0];
  if (word) return { kind: 'word', text: word.image, loc: tokenLoc(word) };
  const pairNode = nodes(node, 'pair')[0];
  if (!pairNode) return null;
  const open = tokens(pairNode, 'LParen')[0];
  const first = tokens(pairNode, 'first')[0];
  const comma = tokens(pairNode, 'Comma')[0];
  const second = tokens(pairNode, 'second')[0];
  const close = tokens(pairNode, 'RParen')[0];
  if (!open || !first || !comma || !second || !close) return null;
  const loc = tokenLoc(open);
  const length = close.startOffset + 1 - open.startOffset;
  return {
    kind: 'pair', text: `(${first.image},${second.image})`,
    first: numberValue(first), second: numberValue(second),
    loc: { ...loc, length },
  };
}
