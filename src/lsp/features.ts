// The answers of the language server, as pure functions of an Analysis and a position, so
// that they are the same whatever transport asks. Positions are LSP's (0-based line,
// UTF-16 character); the front end's offsets are JavaScript string indices, which are the
// same UTF-16 units.
import type { TextDocument } from 'vscode-languageserver-textdocument';
import {
  CodeActionKind, CompletionItemKind, DiagnosticSeverity, InlayHintKind, InsertTextFormat, MarkupKind, SymbolKind,
  type CodeAction, type CompletionItem, type Diagnostic as LspDiagnostic, type DocumentSymbol, type Hover,
  type InlayHint, type Position, type Range, type TextEdit, type WorkspaceEdit,
} from 'vscode-languageserver';
import { CnnLexer, KEYWORDS, OPS } from '../../grammar/tokens.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { Ident, OptionNode } from '../frontend/ast.js';
import { formatSource } from '../format/index.js';
import type { Layer, Shape3 } from '../model/checked.js';
import { size3 } from '../model/checked.js';
import { networkAt, type Analysis, type NetworkInfo, type StatementInfo } from './analysis.js';
import { OPTION_DOCS, OP_DOCS, schemaOf, wordsOf } from './docs.js';

const num = (n: number): string => n.toLocaleString('en-US');
// As `cnnc summary` writes them (src/graph/describe.ts, which also loads the lowering stage).
const shapeText = (s: Shape3): string => `${s.c}x${s.h}x${s.w}`;
const learnableParams = (l: Layer): number => l.params.filter((p) => p.learnable).reduce((a, p) => a + p.size, 0);

function range(doc: TextDocument, offset: number, length: number): Range {
  return { start: doc.positionAt(offset), end: doc.positionAt(offset + length) };
}

const identRange = (doc: TextDocument, id: Ident): Range => range(doc, id.loc.offset, id.loc.length);

/** A diagnostic of `cnnc check` as LSP sends it: same code, message and span. */
export function toLspDiagnostic(doc: TextDocument, d: Diagnostic): LspDiagnostic {
  return {
    range: range(doc, d.loc.offset, d.loc.length),
    severity: d.severity === 'error' ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
    code: d.code,
    source: 'cnnc',
    message: d.message,
  };
}

// ---------------------------------------------------------------------------------------
// Finding what is under the cursor.

type Target =
  | { kind: 'network'; net: NetworkInfo; ident: Ident }
  | { kind: 'op' | 'name'; net: NetworkInfo; st: StatementInfo; ident: Ident }
  | { kind: 'key' | 'value'; net: NetworkInfo; st: StatementInfo; option: OptionNode };

const within = (offset: number, start: number, length: number): boolean => offset >= start && offset <= start + length;

function targetAt(a: Analysis, offset: number): Target | undefined {
  const net = networkAt(a, offset);
  if (!net) return undefined;
  if (net.node.name && within(offset, net.node.name.loc.offset, net.node.name.loc.length)) return { kind: 'network', net, ident: net.node.name };
  for (const st of net.statements) {
    const s = st.node;
    if (offset < s.op.loc.offset || offset > st.end) continue;
    if (within(offset, s.op.loc.offset, s.op.loc.length)) return { kind: 'op', net, st, ident: s.op };
    if (s.name && within(offset, s.name.loc.offset, s.name.loc.length)) return { kind: 'name', net, st, ident: s.name };
    for (const o of s.options) {
      if (within(offset, o.key.loc.offset, o.key.loc.length)) return { kind: 'key', net, st, option: o };
      if (o.value && within(offset, o.value.loc.offset, o.value.loc.length)) return { kind: 'value', net, st, option: o };
    }
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------
// Hover.

/** Every option of a checked layer, resolved: what was written and what the defaults are. */
export function resolvedOptions(l: Layer): Record<string, string> {
  switch (l.op) {
    case 'conv': return { out: String(l.output.c), kernel: `${l.kernel.rows}x${l.kernel.cols}`, anchor: `(${l.anchor.row},${l.anchor.col})`, bias: String(l.bias === true) };
    case 'bn': return { eps: String(l.eps), momentum: String(l.momentum), mode: l.mode };
    case 'pool': return { size: `${l.size.rows}x${l.size.cols}`, stride: `${l.stride.rows}x${l.stride.cols}`, round: l.round };
    case 'full': return { out: String(l.output.c), bias: String(l.bias) };
    case 'relu': case 'softmax': return {};
  }
}

function layerHover(net: NetworkInfo, st: StatementInfo): string {
  const s = st.node;
  const op = s.op.text;
  if (op === 'input') {
    const c = net.checked;
    if (!c) return `**input** of network ${net.node.name?.text ?? '?'}\n\n${OP_DOCS.input}\n\n_shape not known: the network has errors_`;
    return [
      `**input** of network ${c.name}: \`${shapeText(c.input)}\`, batch ${c.batch}`,
      `block: ${num(c.batch * size3(c.input))} numbers (T·C·H·W)`,
      ...(net.complete ? [`network: ${c.layers.length} layers, ${num(c.totals.params)} parameters, ${num(c.totals.macs)} multiply-adds per sample`] : []),
    ].join('\n\n');
  }
  const doc = OP_DOCS[op];
  if (!doc) return `**${op}**: not an op (the ops are ${OPS.join(', ')})`;
  const l = st.layer;
  if (!l) return `**${op} ${st.name ?? ''}**\n\n${doc}\n\n_shape not known: this line or one above it has an error_`;
  const written = new Set(s.options.map((o) => o.key.text));
  const opts = Object.entries(resolvedOptions(l)).map(([k, v]) => `\`${k}=${v}\`${written.has(k) ? '' : ' (default)'}`);
  const params = l.params.map((p) => `${p.key} ${p.shape.join('x')}${p.learnable ? '' : ' (state)'}`);
  return [
    `**${op} ${l.name}**: \`${shapeText(l.input)}\` → \`${shapeText(l.output)}\``,
    ...(opts.length > 0 ? [`options: ${opts.join(', ')}`] : []),
    `parameters: ${num(learnableParams(l))}${params.length > 0 ? ` (${params.join(', ')})` : ''} · multiply-adds per sample: ${num(l.macs)}`,
    doc,
  ].join('\n\n');
}

function optionHover(st: StatementInfo, option: OptionNode): string {
  const op = st.node.op.text;
  const key = option.key.text;
  const doc = OPTION_DOCS[op]?.[key];
  if (!doc) {
    const keys = Object.keys(schemaOf(op) ?? {});
    return `**${key}**: not an option of ${op}${schemaOf(op) ? ` (${keys.length > 0 ? `it takes ${keys.join(', ')}` : 'it takes none'})` : ''}`;
  }
  const words = wordsOf(op, key);
  const lines = [`**${op} ${key}**: ${doc.meaning}`, `default: ${doc.default}`];
  if (words) lines.push(`allowed: ${words.map((w) => `\`${w}\``).join(', ')}`);
  if (st.layer) {
    const resolved = resolvedOptions(st.layer)[key];
    if (resolved !== undefined) lines.push(`here: \`${key}=${resolved}\``);
  }
  return lines.join('\n\n');
}

export function hover(a: Analysis, doc: TextDocument, pos: Position): Hover | null {
  const t = targetAt(a, doc.offsetAt(pos));
  if (!t) return null;
  let value: string;
  let r: Range;
  if (t.kind === 'network') {
    const c = t.net.complete ? t.net.checked : undefined;
    value = c
      ? `**network ${c.name}**: \`${shapeText(c.input)}\` → \`${shapeText(c.output)}\`, batch ${c.batch}\n\n${c.layers.length} layers, ${num(c.totals.params)} parameters, ${num(c.totals.macs)} multiply-adds per sample`
      : `**network ${t.ident.text}**\n\n_shapes not known: the network has errors_`;
    r = identRange(doc, t.ident);
  } else if (t.kind === 'op' || t.kind === 'name') {
    value = layerHover(t.net, t.st);
    r = identRange(doc, t.ident);
  } else if (t.kind === 'key' || t.kind === 'value') {
    value = optionHover(t.st, t.option);
    r = t.kind === 'key' || !t.option.value ? identRange(doc, t.option.key) : range(doc, t.option.value.loc.offset, t.option.value.loc.length);
  } else {
    return null;
  }
  return { contents: { kind: MarkupKind.Markdown, value }, range: r };
}

// ---------------------------------------------------------------------------------------
// Inlay hints: each statement's output block at the end of its line.

export function inlayHints(a: Analysis, doc: TextDocument, within?: Range): InlayHint[] {
  const hints: InlayHint[] = [];
  const from = within ? doc.offsetAt(within.start) : 0;
  const to = within ? doc.offsetAt(within.end) : a.text.length;
  for (const net of a.networks) {
    if (!net.checked) continue;
    for (const st of net.statements) {
      if (st.node.op.loc.offset > to || st.end < from) continue;
      const shape = st.layer ? st.layer.output : st.node.op.text === 'input' ? net.checked.input : undefined;
      if (!shape) continue;
      const line = doc.positionAt(st.end).line;
      const lineEnd = doc.offsetAt({ line: line + 1, character: 0 });
      const text = a.text.slice(doc.offsetAt({ line, character: 0 }), lineEnd).replace(/[\r\n]+$/, '');
      hints.push({
        position: { line, character: text.length },
        label: `→ ${shapeText(shape)}`,
        kind: InlayHintKind.Type,
        paddingLeft: true,
        tooltip: st.layer ? `${st.layer.op} ${st.layer.name}: output ${shapeText(shape)} per sample (batch ${net.checked.batch})` : `input block, batch ${net.checked.batch}`,
      });
    }
  }
  return hints;
}

// ---------------------------------------------------------------------------------------
// Completion, from the text before the cursor on its line.

function braceDepth(text: string): number {
  let depth = 0;
  for (const t of CnnLexer.tokenize(text).tokens) {
    if (t.tokenType.name === 'LCurly') depth += 1;
    else if (t.tokenType.name === 'RCurly') depth = Math.max(0, depth - 1);
  }
  return depth;
}

export function completion(a: Analysis, doc: TextDocument, pos: Position): CompletionItem[] {
  const offset = doc.offsetAt(pos);
  const linePrefix = a.text.slice(doc.offsetAt({ line: pos.line, character: 0 }), offset);
  if (/#|\/\//.test(linePrefix)) return [];
  if (braceDepth(a.text.slice(0, offset)) === 0) {
    if (!/^\s*[A-Za-z_]*$/.test(linePrefix)) return [];
    return [{
      label: 'network', kind: CompletionItemKind.Keyword, detail: 'a new network',
      insertText: 'network ${1:name} {\n  input  shape=${2:1x28x28} batch=${3:1}\n  $0\n}', insertTextFormat: InsertTextFormat.Snippet,
    }];
  }
  // Start of a statement: the ops (and `input` when the network has no input line yet).
  if (/^\s*[A-Za-z_]*$/.test(linePrefix)) {
    const net = networkAt(a, offset);
    const hasInput = net?.statements.some((s) => s.node.op.text === 'input' && doc.positionAt(s.node.op.loc.offset).line !== pos.line) ?? false;
    const ops = [...(hasInput ? [] : ['input']), ...OPS];
    return ops.map((op, i) => ({
      label: op, kind: CompletionItemKind.Keyword, detail: op === 'input' ? 'input shape=CxHxW batch=T' : `layer: ${op}`,
      documentation: { kind: MarkupKind.Markdown, value: OP_DOCS[op] }, sortText: String(i).padStart(2, '0'),
    }));
  }
  const words = linePrefix.trim().split(/\s+/);
  const op = words[0];
  const schema = schemaOf(op);
  if (!schema) return [];
  // After `key=`: the allowed words.
  const value = /([A-Za-z_]\w*)=([\w.()-]*)$/.exec(linePrefix);
  if (value) {
    const allowed = wordsOf(op, value[1]);
    const doc2 = OPTION_DOCS[op]?.[value[1]];
    return (allowed ?? []).map((w) => ({
      label: w, kind: CompletionItemKind.EnumMember, detail: `${op} ${value[1]}`,
      ...(doc2 && w === doc2.default ? { documentation: 'the default' } : {}),
    }));
  }
  // After the op (and maybe a name): the option keys not written yet on the line.
  if (!/\s$/.test(linePrefix) && !/\s[A-Za-z_]\w*$/.test(linePrefix)) return [];
  const used = new Set(words.map((w) => w.split('=')[0]));
  return Object.entries(schema).filter(([key]) => !used.has(key)).map(([key, s], i) => {
    const d = OPTION_DOCS[op]?.[key];
    const allowed = s.value.kind === 'word' ? s.value.words : undefined;
    return {
      label: key, kind: CompletionItemKind.Property,
      detail: `${s.required ? 'required' : 'optional'}${d ? `; default ${d.default}` : ''}`,
      documentation: d ? { kind: MarkupKind.Markdown, value: d.meaning } : undefined,
      insertText: allowed ? `${key}=\${1|${allowed.join(',')}|}` : `${key}=`,
      insertTextFormat: allowed ? InsertTextFormat.Snippet : InsertTextFormat.PlainText,
      sortText: `${s.required ? 0 : 1}${i}`,
    };
  });
}

// ---------------------------------------------------------------------------------------
// Quick fixes: the checker's "did you mean" and "write e.g." as edits.

export function codeActions(a: Analysis, doc: TextDocument, uri: string, r: Range): CodeAction[] {
  const from = doc.offsetAt(r.start);
  const to = doc.offsetAt(r.end);
  const actions: CodeAction[] = [];
  for (const d of a.diagnostics) {
    if (d.loc.offset > to || d.loc.offset + d.loc.length < from) continue;
    const lspDiag = toLspDiagnostic(doc, d);
    const mean = /did you mean '([^']+)'\?/.exec(d.message);
    if (mean) {
      actions.push({
        title: `Change '${a.text.slice(d.loc.offset, d.loc.offset + d.loc.length)}' to '${mean[1]}'`,
        kind: CodeActionKind.QuickFix, diagnostics: [lspDiag], isPreferred: true,
        edit: { changes: { [uri]: [{ range: lspDiag.range, newText: mean[1] }] } },
      });
    }
    const write = d.code === 'E013' ? /\(write e\.g\. ([^)]+)\)/.exec(d.message) : null;
    if (write) {
      const st = a.networks.flatMap((n) => n.statements).find((s) => s.node.op.loc.offset === d.loc.offset);
      if (st) {
        const at = doc.positionAt(st.end);
        actions.push({
          title: `Add ${write[1]}`, kind: CodeActionKind.QuickFix, diagnostics: [lspDiag],
          edit: { changes: { [uri]: [{ range: { start: at, end: at }, newText: ` ${write[1]}` }] } },
        });
      }
    }
  }
  return actions;
}

// ---------------------------------------------------------------------------------------
// Outline.

export function documentSymbols(a: Analysis, doc: TextDocument): DocumentSymbol[] {
  return a.networks.map((net) => {
    const name = net.node.name;
    const children: DocumentSymbol[] = net.statements.map((st) => {
      const s = st.node;
      const shape = st.layer ? shapeText(st.layer.output) : s.op.text === 'input' && net.checked ? shapeText(net.checked.input) : undefined;
      const sel = s.name ?? s.op;
      return {
        name: st.name ?? s.op.text,
        detail: [s.op.text, shape].filter(Boolean).join(' → '),
        kind: s.op.text === 'input' ? SymbolKind.Variable : SymbolKind.Function,
        range: range(doc, s.op.loc.offset, st.end - s.op.loc.offset),
        selectionRange: identRange(doc, sel),
      };
    });
    const sel = name ?? { text: 'network', loc: net.node.loc };
    return {
      name: name?.text ?? '?',
      detail: net.complete && net.checked ? `${shapeText(net.checked.input)} → ${shapeText(net.checked.output)}` : undefined,
      kind: SymbolKind.Module,
      range: range(doc, net.start, net.end - net.start),
      selectionRange: identRange(doc, sel),
      children,
    };
  });
}

// ---------------------------------------------------------------------------------------
// Rename of a written layer or network name, keeping names unique.

export class RenameRefused extends Error {}

function renameTarget(a: Analysis, offset: number): { ident: Ident; net: NetworkInfo; st?: StatementInfo } {
  const t = targetAt(a, offset);
  if (t?.kind === 'network') return { ident: t.ident, net: t.net };
  if (t?.kind === 'name') return { ident: t.ident, net: t.net, st: t.st };
  if (t?.kind === 'op' && t.st.node.op.text !== 'input' && OP_DOCS[t.st.node.op.text]) {
    throw new RenameRefused(`this ${t.st.node.op.text} layer has the automatic name '${t.st.name}': write a name after the op to give it one`);
  }
  throw new RenameRefused('only a network name or a written layer name can be renamed');
}

export function prepareRename(a: Analysis, doc: TextDocument, pos: Position): { range: Range; placeholder: string } {
  const { ident } = renameTarget(a, doc.offsetAt(pos));
  return { range: identRange(doc, ident), placeholder: ident.text };
}

export function rename(a: Analysis, doc: TextDocument, uri: string, pos: Position, newName: string): WorkspaceEdit {
  const { ident, net, st } = renameTarget(a, doc.offsetAt(pos));
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(newName)) throw new RenameRefused(`'${newName}' is not a name: a name is a letter or _ followed by letters, digits or _`);
  if (KEYWORDS.includes(newName)) throw new RenameRefused(`'${newName}' is a keyword and cannot be a name`);
  if (newName !== ident.text) {
    if (st) {
      const clash = net.statements.find((o) => o !== st && o.name === newName);
      if (clash) {
        const line = doc.positionAt(clash.node.op.loc.offset).line + 1;
        throw new RenameRefused(`network ${net.node.name?.text ?? '?'} already has a layer named '${newName}' (line ${line}${clash.node.name ? '' : ', its automatic name'})`);
      }
    } else {
      const clash = a.networks.find((o) => o !== net && o.node.name?.text === newName);
      if (clash) throw new RenameRefused(`the file already has a network named '${newName}' (line ${doc.positionAt(clash.start).line + 1})`);
    }
  }
  return { changes: { [uri]: [{ range: identRange(doc, ident), newText: newName }] } };
}

// ---------------------------------------------------------------------------------------
// Formatting: the whole document in the layout of `cnnc fmt`; nothing while it has syntax errors.

export function formatting(doc: TextDocument): TextEdit[] {
  const text = doc.getText();
  const r = formatSource(text);
  if (!r.ok || !r.changed) return [];
  return [{ range: { start: { line: 0, character: 0 }, end: doc.positionAt(text.length) }, newText: r.text }];
}
