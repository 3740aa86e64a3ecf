// `cnnc lsp`: the real server process (dist/src/cli/bin.js lsp --stdio, `npm run build`)
// spoken to over stdio by a vscode-languageserver-protocol client. Expected values come
// from `cnnc check` run as its own process (diagnostics) or are worked by hand (shapes,
// parameter and multiply-add counts, edits).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type {
  CodeAction, CompletionItem, CompletionList, DocumentSymbol, Hover, InlayHint, MarkupContent, TextEdit, WorkspaceEdit,
} from 'vscode-languageserver-protocol';
import { startLsp, type LspProcess } from './helpers/lsp-client.js';

const bin = fileURLToPath(new URL('../dist/src/cli/bin.js', import.meta.url));
const lenet = readFileSync('examples/lenet.cnn', 'utf8');
const typos = readFileSync('test/fixtures/frontend/broken-typos.cnn', 'utf8');
const twoNets = readFileSync('test/fixtures/frontend/two-networks.cnn', 'utf8');

let lsp: LspProcess;
let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cnnc-lsp-'));
  lsp = await startLsp();
}, 180_000);
afterAll(() => {
  lsp?.proc.kill();
  rmSync(dir, { recursive: true, force: true });
});

const td = (uri: string) => ({ textDocument: { uri } });
const hoverText = (h: Hover | null): string => (h?.contents as MarkupContent | undefined)?.value ?? '';
const labels = (items: CompletionItem[] | CompletionList | null): string[] =>
  (Array.isArray(items) ? items : items?.items ?? []).map((i) => i.label);

/** `cnnc check` as a separate process: each first line as {line, col, severity, message, code}, and the caret's length. */
function cliDiagnostics(text: string) {
  const f = join(dir, `c${Math.random().toString(36).slice(2)}.cnn`);
  writeFileSync(f, text);
  const r = spawnSync(process.execPath, [bin, 'check', f], { encoding: 'utf8' });
  const lines = r.stderr.split('\n');
  const out: { line: number; col: number; severity: string; message: string; code: string; length: number }[] = [];
  lines.forEach((l, i) => {
    const m = /^.*?\.cnn:(\d+):(\d+): (error|warning): (.*) \[(\w\d{3})\]$/.exec(l);
    if (!m) return;
    const caret = /\^~*/.exec(lines[i + 2] ?? '');
    out.push({ line: +m[1], col: +m[2], severity: m[3], message: m[4], code: m[5], length: caret ? caret[0].length : 0 });
  });
  return out;
}

describe('cnnc lsp over stdio', () => {
  it('initialize announces every feature', () => {
    expect(lsp.init.serverInfo?.name).toBe('cnnc');
    expect(lsp.init.capabilities).toEqual({
      textDocumentSync: 2, // incremental
      hoverProvider: true,
      inlayHintProvider: true,
      completionProvider: { triggerCharacters: ['=', ' '] },
      codeActionProvider: { codeActionKinds: ['quickfix'] },
      documentSymbolProvider: true,
      renameProvider: { prepareProvider: true },
      documentFormattingProvider: true,
    });
  });

  it('diagnostics: the same codes, messages, positions and spans as cnnc check, errors and warnings together', async () => {
    const withWarning = typos.replace('batch=32', 'batch=1').replace('mode=positon', 'mode=position');
    for (const [name, text] of [['typos', typos], ['warning', withWarning], ['two', twoNets.replace('out=3', 'out=0')]] as const) {
      const uri = `file:///diag-${name}.cnn`;
      lsp.open(uri, text);
      const got = (await lsp.diagnostics(uri, 1)).diagnostics.map((d) => ({
        line: d.range.start.line + 1, col: d.range.start.character + 1, severity: d.severity === 1 ? 'error' : 'warning',
        message: d.message, code: String(d.code), length: d.range.end.character - d.range.start.character,
      }));
      const want = cliDiagnostics(text);
      expect(want.length).toBeGreaterThan(0);
      expect(got).toEqual(want);
    }
  }, 180_000);

  it('didChange: incremental edits, rapid ones included; the last publication is of the last version', async () => {
    const uri = 'file:///edits.cnn';
    lsp.open(uri, lenet);
    expect((await lsp.diagnostics(uri, 1)).diagnostics).toEqual([]);
    // Type "kernal=3 " into c1's line one character at a time: 9 versions in a row.
    const line = 3;
    const col = '  conv   c1 out=6 '.length;
    const typed = 'kernal=3 ';
    for (let i = 0; i < typed.length; i++) {
      void lsp.conn.sendNotification('textDocument/didChange', {
        textDocument: { uri, version: i + 2 },
        contentChanges: [{ range: { start: { line, character: col + i }, end: { line, character: col + i } }, text: typed[i] }],
      });
    }
    const last = await lsp.diagnostics(uri, typed.length + 1);
    expect(last.diagnostics.map((d) => [d.code, d.message, d.range.start])).toEqual([
      ['E011', "conv c1: unknown option 'kernal'; did you mean 'kernel'?", { line, character: col }],
    ]);
    // Undo with one whole-line replacement: clean again.
    void lsp.conn.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: 20 },
      contentChanges: [{ range: { start: { line, character: col }, end: { line, character: col + typed.length } }, text: '' }],
    });
    expect((await lsp.diagnostics(uri, 20)).diagnostics).toEqual([]);
  }, 180_000);

  it('hover on a layer: op, input → output, options with defaults, parameters, multiply-adds', async () => {
    const uri = 'file:///hover.cnn';
    lsp.open(uri, lenet);
    await lsp.diagnostics(uri, 1);
    // c1: 6 filters of 1x5x5 = 150 weights; 6·28·28 outputs × 25 taps = 117,600 multiply-adds.
    const c1 = hoverText(await lsp.conn.sendRequest('textDocument/hover', { ...td(uri), position: { line: 3, character: 10 } }) as Hover);
    expect(c1).toContain('**conv c1**: `1x28x28` → `6x28x28`');
    expect(c1).toContain('`out=6`, `kernel=5x5`, `anchor=(2,2)` (default)');
    expect(c1).toContain('parameters: 150 (w 6x1x5x5) · multiply-adds per sample: 117,600');
    // n2 on 16x14x14 in position mode: gamma and beta of 3,136 each, so 6,272 learned.
    const n2 = hoverText(await lsp.conn.sendRequest('textDocument/hover', { ...td(uri), position: { line: 7, character: 3 } }) as Hover);
    expect(n2).toContain('**bn n2**: `16x14x14` → `16x14x14`');
    expect(n2).toContain('`eps=0.00001` (default), `momentum=0.1` (default), `mode=position` (default)');
    expect(n2).toContain('parameters: 6,272');
    // Unnamed relu after n2 is relu2.
    const relu = hoverText(await lsp.conn.sendRequest('textDocument/hover', { ...td(uri), position: { line: 8, character: 4 } }) as Hover);
    expect(relu).toContain('**relu relu2**: `16x14x14` → `16x14x14`');
  }, 180_000);

  it('hover on an option: its meaning, default and resolved value', async () => {
    const uri = 'file:///hover-option.cnn';
    lsp.open(uri, lenet);
    await lsp.diagnostics(uri, 1);
    // p2's `stride` (line 9): written 2, resolved 2x2.
    const stride = hoverText(await lsp.conn.sendRequest('textDocument/hover', { ...td(uri), position: { line: 9, character: 22 } }) as Hover);
    expect(stride).toContain('**pool stride**');
    expect(stride).toContain('default: the size');
    expect(stride).toContain('here: `stride=2x2`');
    const nothing = await lsp.conn.sendRequest('textDocument/hover', { ...td(uri), position: { line: 0, character: 3 } });
    expect(nothing).toBeNull();
  }, 180_000);

  it('inlay hints: every statement\'s output block at the end of its line', async () => {
    const uri = 'file:///hints.cnn';
    lsp.open(uri, lenet);
    await lsp.diagnostics(uri, 1);
    const hints = await lsp.conn.sendRequest('textDocument/inlayHint', {
      ...td(uri), range: { start: { line: 0, character: 0 }, end: { line: 16, character: 0 } },
    }) as InlayHint[];
    const lines = lenet.split('\n');
    const want = [
      [2, '1x28x28'], [3, '6x28x28'], [4, '6x28x28'], [5, '6x14x14'], [6, '16x14x14'], [7, '16x14x14'], [8, '16x14x14'],
      [9, '16x7x7'], [10, '120x1x1'], [11, '120x1x1'], [12, '10x1x1'], [13, '10x1x1'],
    ] as const;
    expect(hints.map((h) => [h.position, h.label])).toEqual(want.map(([l, s]) => [{ line: l, character: lines[l].length }, `→ ${s}`]));
    // A range: only the statements in it.
    const some = await lsp.conn.sendRequest('textDocument/inlayHint', {
      ...td(uri), range: { start: { line: 5, character: 0 }, end: { line: 7, character: 0 } },
    }) as InlayHint[];
    expect(some.map((h) => h.label)).toEqual(['→ 6x14x14', '→ 16x14x14']);
  }, 180_000);

  it('several networks: hints for the one that checks and for the other up to its error; its diagnostics', async () => {
    const uri = 'file:///two.cnn';
    const text = twoNets.replace('pool p size=3 stride=2 round=ceil', 'pool p size=30');
    lsp.open(uri, text);
    const d = await lsp.diagnostics(uri, 1);
    expect(d.diagnostics.map((x) => x.code)).toEqual(['E030']);
    const hints = await lsp.conn.sendRequest('textDocument/inlayHint', {
      ...td(uri), range: { start: { line: 0, character: 0 }, end: { line: 20, character: 0 } },
    }) as InlayHint[];
    // small: 1x8x8 → c 2x8x8 → relu → f 3x1x1 → softmax; features: 3x9x9 → c 4x9x9, then the pool that does not fit.
    expect(hints.map((h) => [h.position.line, h.label])).toEqual([
      [2, '→ 1x8x8'], [3, '→ 2x8x8'], [4, '→ 2x8x8'], [5, '→ 3x1x1'], [6, '→ 3x1x1'],
      [10, '→ 3x9x9'], [11, '→ 4x9x9'],
    ]);
    const symbols = await lsp.conn.sendRequest('textDocument/documentSymbol', td(uri)) as DocumentSymbol[];
    expect(symbols.map((s) => [s.name, s.detail, s.range.start.line, s.range.end.line, s.children?.map((c) => c.name)])).toEqual([
      ['small', '1x8x8 → 3x1x1', 1, 7, ['input', 'c', 'relu1', 'f', 'softmax1']],
      ['features', undefined, 9, 14, ['input', 'c', 'p', 'b']],
    ]);
    expect(symbols[0].children?.[1].detail).toBe('conv → 2x8x8');
  }, 180_000);

  it('while typing at the end of an unclosed network, the lines above keep their shapes', async () => {
    const uri = 'file:///typing.cnn';
    lsp.open(uri, 'network n {\n  input shape=1x8x8 batch=2\n  conv c out=4 kernel=3\n  relu\n  pool p size=');
    expect((await lsp.diagnostics(uri, 1)).diagnostics.map((d) => d.code)).toEqual(['E003']);
    const hints = await lsp.conn.sendRequest('textDocument/inlayHint', {
      ...td(uri), range: { start: { line: 0, character: 0 }, end: { line: 9, character: 0 } },
    }) as InlayHint[];
    expect(hints.map((h) => [h.position.line, h.label])).toEqual([[1, '→ 1x8x8'], [2, '→ 4x8x8'], [3, '→ 4x8x8']]);
    // c: 4 filters of 1x3x3 = 36 weights; 4·8·8 outputs × 9 taps = 2,304 multiply-adds.
    const c = hoverText(await lsp.conn.sendRequest('textDocument/hover', { ...td(uri), position: { line: 2, character: 7 } }) as Hover);
    expect(c).toContain('**conv c**: `1x8x8` → `4x8x8`');
    expect(c).toContain('parameters: 36 (w 4x1x3x3) · multiply-adds per sample: 2,304');
    const p = hoverText(await lsp.conn.sendRequest('textDocument/hover', { ...td(uri), position: { line: 4, character: 3 } }) as Hover);
    expect(p).toContain('_shape not known: this line or one above it has an error_');
  }, 180_000);

  it('completion: ops at a statement start, the op\'s unused options after it, allowed words after =, network outside', async () => {
    const uri = 'file:///complete.cnn';
    const text = 'network n {\n  input shape=1x8x8\n  \n  pool p size=2 \n  pool q round=\n  bn b mode=c\n  full f \n}\n\n';
    lsp.open(uri, text);
    const at = async (line: number, character: number) => labels(await lsp.conn.sendRequest('textDocument/completion', { ...td(uri), position: { line, character } }) as CompletionItem[]);
    expect(await at(2, 2)).toEqual(['conv', 'bn', 'relu', 'pool', 'full', 'softmax']);
    expect(await at(3, 16)).toEqual(['stride', 'round']);
    expect(await at(4, 15)).toEqual(['floor', 'ceil']);
    expect(await at(5, 13)).toEqual(['position', 'channel']);
    expect(await at(6, 9)).toEqual(['out', 'bias']);
    expect(await at(8, 0)).toEqual(['network']);
    // In a comment: nothing.
    lsp.open('file:///comment.cnn', 'network n { # con\n}');
    expect(labels(await lsp.conn.sendRequest('textDocument/completion', { ...td('file:///comment.cnn'), position: { line: 0, character: 17 } }) as CompletionItem[])).toEqual([]);
  }, 180_000);

  it('code actions: did-you-mean suggestions and missing required options as quick fixes', async () => {
    const uri = 'file:///typos.cnn';
    lsp.open(uri, typos);
    await lsp.diagnostics(uri, 1);
    const actions = await lsp.conn.sendRequest('textDocument/codeAction', {
      ...td(uri), range: { start: { line: 0, character: 0 }, end: { line: 15, character: 0 } }, context: { diagnostics: [] },
    }) as CodeAction[];
    const edits = actions.map((a) => [a.title, a.edit?.changes?.[uri]?.[0]]);
    expect(edits).toContainEqual(["Change 'convv' to 'conv'", { range: { start: { line: 3, character: 2 }, end: { line: 3, character: 7 } }, newText: 'conv' }]);
    expect(edits).toContainEqual(["Change 'strid' to 'stride'", { range: { start: { line: 5, character: 21 }, end: { line: 5, character: 26 } }, newText: 'stride' }]);
    expect(edits).toContainEqual(["Change 'positon' to 'position'", { range: { start: { line: 7, character: 17 }, end: { line: 7, character: 24 } }, newText: 'position' }]);
    // Applying every suggested replacement leaves only the errors that have no suggestion.
    const missing = 'network m {\n  input shape=1x8x8\n  conv c out=2\n}\n';
    lsp.open('file:///missing.cnn', missing);
    await lsp.diagnostics('file:///missing.cnn', 1);
    const add = await lsp.conn.sendRequest('textDocument/codeAction', {
      ...td('file:///missing.cnn'), range: { start: { line: 2, character: 2 }, end: { line: 2, character: 2 } }, context: { diagnostics: [] },
    }) as CodeAction[];
    expect(add.map((a) => [a.title, a.edit?.changes?.['file:///missing.cnn']])).toEqual([
      ['Add kernel=3x3', [{ range: { start: { line: 2, character: 14 }, end: { line: 2, character: 14 } }, newText: ' kernel=3x3' }]],
    ]);
  }, 180_000);

  it('rename: a layer or network name, refused when the new name is taken, a keyword or not a name', async () => {
    const uri = 'file:///rename.cnn';
    lsp.open(uri, lenet);
    lsp.open('file:///rename-two.cnn', twoNets);
    await lsp.diagnostics('file:///rename-two.cnn', 1);
    const ok = await lsp.conn.sendRequest('textDocument/rename', { ...td(uri), position: { line: 3, character: 10 }, newName: 'first' }) as WorkspaceEdit;
    expect(ok.changes?.[uri]).toEqual([{ range: { start: { line: 3, character: 9 }, end: { line: 3, character: 11 } }, newText: 'first' }]);
    const prep = await lsp.conn.sendRequest('textDocument/prepareRename', { ...td(uri), position: { line: 1, character: 10 } });
    expect(prep).toEqual({ range: { start: { line: 1, character: 8 }, end: { line: 1, character: 13 } }, placeholder: 'lenet' });
    const refused = async (line: number, character: number, newName: string) => {
      try {
        await lsp.conn.sendRequest('textDocument/rename', { ...td(uri), position: { line, character }, newName });
        return 'accepted';
      } catch (e) {
        return (e as Error).message;
      }
    };
    expect(await refused(3, 10, 'c2')).toBe("network lenet already has a layer named 'c2' (line 7)");
    expect(await refused(3, 10, 'relu2')).toBe("network lenet already has a layer named 'relu2' (line 9, its automatic name)");
    expect(await refused(3, 10, 'pool')).toBe("'pool' is a keyword and cannot be a name");
    expect(await refused(3, 10, '2x')).toMatch(/^'2x' is not a name/);
    expect(await refused(4, 3, 'r')).toMatch(/automatic name 'relu1'/);
    const two = 'file:///rename-two.cnn';
    try {
      await lsp.conn.sendRequest('textDocument/rename', { ...td(two), position: { line: 9, character: 10 }, newName: 'small' });
      expect.unreachable();
    } catch (e) {
      expect((e as Error).message).toBe("the file already has a network named 'small' (line 2)");
    }
  }, 180_000);

  it('formatting: the layout of cnnc fmt as one edit; nothing for a formatted text or one with syntax errors', async () => {
    const uri = 'file:///fmt.cnn';
    lsp.open(uri, 'network n{input shape=1x8x8 # in\nrelu   softmax}');
    const edits = await lsp.conn.sendRequest('textDocument/formatting', { ...td(uri), options: { tabSize: 2, insertSpaces: true } }) as TextEdit[];
    expect(edits).toEqual([{
      range: { start: { line: 0, character: 0 }, end: { line: 1, character: 15 } },
      newText: 'network n {\n  input  shape=1x8x8  # in\n  relu\n  softmax\n}\n',
    }]);
    lsp.open('file:///fmt2.cnn', 'network n {\n  input  shape=1x8x8\n  relu\n}\n');
    expect(await lsp.conn.sendRequest('textDocument/formatting', { ...td('file:///fmt2.cnn'), options: { tabSize: 2, insertSpaces: true } })).toEqual([]);
    lsp.open('file:///fmt3.cnn', 'network n { input shape=');
    expect(await lsp.conn.sendRequest('textDocument/formatting', { ...td('file:///fmt3.cnn'), options: { tabSize: 2, insertSpaces: true } })).toEqual([]);
  }, 180_000);

  it('malformed documents never bring it down: every request still answers', async () => {
    const garbage = [
      '', '}}}{{{', 'network', 'network n {', '\u0000\u0001\uFFFF\uD800', 'network n { input shape=1x1x1 conv c out=1e999 kernel=(1,2) anchor=5x5 }',
      'network network { input input input }', '# only\n// comments', '\uFEFFnetwork n { input shape=1x2x2 relu }',
      `network n { input shape=${'9'.repeat(400)}x1x1 pool p size=${'1x'.repeat(500)}1 }`, '(((,,,===))) -.5e', 'network n {\r\n\r input shape=1x4x4\r relu }',
    ];
    for (const [i, text] of garbage.entries()) {
      const uri = `file:///garbage-${i}.cnn`;
      lsp.open(uri, text);
      const d = await lsp.diagnostics(uri, 1);
      expect(Array.isArray(d.diagnostics)).toBe(true);
      for (const line of [0, 1]) {
        for (const character of [0, 3, 12, 40]) {
          const position = { line, character };
          await lsp.conn.sendRequest('textDocument/hover', { ...td(uri), position });
          await lsp.conn.sendRequest('textDocument/completion', { ...td(uri), position });
        }
      }
      await lsp.conn.sendRequest('textDocument/inlayHint', { ...td(uri), range: { start: { line: 0, character: 0 }, end: { line: 9, character: 0 } } });
      await lsp.conn.sendRequest('textDocument/documentSymbol', td(uri));
      await lsp.conn.sendRequest('textDocument/formatting', { ...td(uri), options: { tabSize: 2, insertSpaces: true } });
      await lsp.conn.sendRequest('textDocument/codeAction', { ...td(uri), range: { start: { line: 0, character: 0 }, end: { line: 3, character: 0 } }, context: { diagnostics: [] } });
    }
    // The BOM is no character of the model (as for cnnc check): that file checks clean.
    expect((await lsp.diagnostics('file:///garbage-8.cnn', 1)).diagnostics).toEqual([]);
    // Still alive: a request on a good document answers.
    const hints = await lsp.conn.sendRequest('textDocument/inlayHint', { ...td('file:///garbage-8.cnn'), range: { start: { line: 0, character: 0 }, end: { line: 1, character: 0 } } }) as InlayHint[];
    expect(hints.map((h) => h.label)).toEqual(['→ 1x2x2', '→ 1x2x2']);
    expect(lsp.proc.exitCode).toBeNull();
  }, 120_000);

  it('a large document within the file limits (45 networks, 495 layers, 20,000 comment lines): diagnostics, hints, symbols', async () => {
    const uri = 'file:///large.cnn';
    const filler = Array.from({ length: 20_000 }, (_, i) => `# note ${i}: ${'.'.repeat(30)}`).join('\n');
    const text = `${filler}\n${Array.from({ length: 45 }, (_, i) => lenet.replace('network lenet', `network lenet${i}`)).join('\n')}`;
    expect(text.length).toBeGreaterThan(900_000);
    lsp.open(uri, text);
    expect((await lsp.diagnostics(uri, 1)).diagnostics).toEqual([]);
    const hints = await lsp.conn.sendRequest('textDocument/inlayHint', {
      ...td(uri), range: { start: { line: 0, character: 0 }, end: { line: 40_000, character: 0 } },
    }) as InlayHint[];
    expect(hints.length).toBe(45 * 12);
    const symbols = await lsp.conn.sendRequest('textDocument/documentSymbol', td(uri)) as DocumentSymbol[];
    expect(symbols.map((x) => x.name)).toEqual(Array.from({ length: 45 }, (_, i) => `lenet${i}`));
    // One error at the very end is found.
    void lsp.conn.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: 2 }, contentChanges: [{ text: `${text}\nnetwork tail { input shape=1x1x1 convv }\n` }],
    });
    const d = await lsp.diagnostics(uri, 2);
    expect(d.diagnostics.map((x) => [x.code, x.range.start.line])).toEqual([['E010', text.split('\n').length]]);
  }, 180_000);

  it('documents over the file limits (too many layers, too many bytes): the one diagnostic cnnc check gives, and the server goes on', async () => {
    const many = Array.from({ length: 1000 }, (_, i) => lenet.replace('network lenet', `network lenet${i}`)).join('\n');
    lsp.open('file:///many.cnn', many);
    const got = (await lsp.diagnostics('file:///many.cnn', 1)).diagnostics;
    const want = cliDiagnostics(many);
    expect(want.map((w) => w.code)).toEqual(['E044']);
    expect(got.map((g) => [g.code, g.message, g.range.start.line + 1, g.range.start.character + 1])).toEqual(want.map((w) => [w.code, w.message, w.line, w.col]));
    const bytes = `${'#'.repeat(2_000_000)}\n${lenet}`;
    lsp.open('file:///bytes.cnn', bytes);
    expect((await lsp.diagnostics('file:///bytes.cnn', 1)).diagnostics.map((x) => x.code)).toEqual(['E045']);
    expect(await lsp.conn.sendRequest('textDocument/inlayHint', { ...td('file:///bytes.cnn'), range: { start: { line: 0, character: 0 }, end: { line: 20, character: 0 } } })).toEqual([]);
    expect(await lsp.conn.sendRequest('textDocument/hover', { ...td('file:///bytes.cnn'), position: { line: 4, character: 3 } })).toBeNull();
    expect(lsp.proc.exitCode).toBeNull();
  }, 180_000);
});

describe('cnnc lsp lifecycle', () => {
  it('shutdown then exit: exit status 0; exit without shutdown: 1', async () => {
    const a = await startLsp();
    await a.conn.sendRequest('shutdown');
    void a.conn.sendNotification('exit');
    expect(await a.exited).toBe(0);
    const b = await startLsp();
    void b.conn.sendNotification('exit');
    expect(await b.exited).toBe(1);
    expect(a.stderr() + b.stderr()).toBe('');
  }, 180_000);
});
