// The TextMate grammar (grammar/cnn.tmLanguage.json), run by vscode-textmate with the
// Oniguruma engine VS Code uses, on every example and on files written to hit every kind of
// token. The expected scope of each token comes from the project's own lexer and parser
// (the token's kind and its place in the AST), not from the grammar's regular expressions.
import { beforeAll, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import vsctm from 'vscode-textmate';
import oniguruma from 'vscode-oniguruma';
import { CnnLexer } from '../grammar/tokens.js';
import { parseSource } from '../src/frontend/parse.js';

const require = createRequire(import.meta.url);
let grammar: vsctm.IGrammar;

beforeAll(async () => {
  const wasm = readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) as ArrayBuffer);
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s: string) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scopeName) => (scopeName === 'source.cnn'
      ? vsctm.parseRawGrammar(readFileSync('grammar/cnn.tmLanguage.json', 'utf8'), 'cnn.tmLanguage.json')
      : null),
  });
  grammar = (await registry.loadGrammar('source.cnn'))!;
});

/** Every character's scopes, by offset in the whole text. */
function scopesByOffset(text: string): string[][] {
  const out: string[][] = new Array(text.length).fill([]);
  let state = vsctm.INITIAL;
  let offset = 0;
  for (const line of text.split('\n')) {
    const r = grammar.tokenizeLine(line, state);
    for (const t of r.tokens) for (let i = t.startIndex; i < Math.min(t.endIndex, line.length); i++) out[offset + i] = t.scopes;
    state = r.ruleStack;
    offset += line.length + 1;
  }
  return out;
}

/** The scope each token must have, from the lexer and the AST (offset → scope). */
function expectedScopes(text: string): Map<number, { image: string; scope: string }> {
  const want = new Map<number, { image: string; scope: string }>();
  const { ast } = parseSource(text);
  const put = (offset: number, image: string, scope: string) => want.set(offset, { image, scope });
  for (const net of ast.networks) {
    put(net.loc.offset, 'network', 'storage.type.network.cnn');
    if (net.name) put(net.name.loc.offset, net.name.text, 'entity.name.type.network.cnn');
    for (const st of net.statements) {
      put(st.op.loc.offset, st.op.text, st.op.text === 'input' ? 'keyword.other.input.cnn' : 'keyword.other.op.cnn');
      if (st.name) put(st.name.loc.offset, st.name.text, 'entity.name.function.layer.cnn');
      for (const o of st.options) {
        put(o.key.loc.offset, o.key.text, 'variable.parameter.option.cnn');
        const v = o.value;
        if (!v) continue;
        if (v.kind === 'number') put(v.loc.offset, v.text, 'constant.numeric.cnn');
        else if (v.kind === 'size') put(v.loc.offset, v.text, 'constant.numeric.size.cnn');
        else if (v.kind === 'word') {
          put(v.loc.offset, v.text, ['true', 'false'].includes(v.text) ? 'constant.language.boolean.cnn'
            : ['floor', 'ceil', 'position', 'channel'].includes(v.text) ? 'constant.language.word.cnn' : 'constant.other.word.cnn');
        } else {
          put(v.first.loc.offset, v.first.text, 'constant.numeric.cnn');
          put(v.second.loc.offset, v.second.text, 'constant.numeric.cnn');
        }
      }
    }
  }
  // Punctuation by token kind.
  const PUNCT: Record<string, string> = {
    Equals: 'keyword.operator.assignment.cnn', LCurly: 'punctuation.section.block.begin.cnn', RCurly: 'punctuation.section.block.end.cnn',
    LParen: 'punctuation.section.parens.begin.cnn', RParen: 'punctuation.section.parens.end.cnn', Comma: 'punctuation.separator.comma.cnn',
  };
  const lexed = CnnLexer.tokenize(text).tokens;
  for (const t of lexed) if (PUNCT[t.tokenType.name]) put(t.startOffset, t.image, PUNCT[t.tokenType.name]);
  // Comments: in the gaps between tokens.
  let from = 0;
  const gaps: [number, number][] = [];
  for (const t of lexed) { gaps.push([from, t.startOffset]); from = t.startOffset + t.image.length; }
  gaps.push([from, text.length]);
  for (const [a, b] of gaps) {
    for (const m of text.slice(a, b).matchAll(/(#|\/\/)[^\n]*/g)) {
      put(a + m.index, m[0], m[1] === '#' ? 'comment.line.number-sign.cnn' : 'comment.line.double-slash.cnn');
    }
  }
  // Every token of the lexer has an expectation: none is left unchecked.
  for (const t of lexed) if (!want.has(t.startOffset)) throw new Error(`no expected scope for '${t.image}' at ${t.startOffset}`);
  return want;
}

function check(text: string): number {
  const scopes = scopesByOffset(text);
  const want = expectedScopes(text);
  const wrong: string[] = [];
  for (const [offset, { image, scope }] of want) {
    for (let i = offset; i < offset + image.length; i++) {
      if (!scopes[i].includes(scope)) {
        wrong.push(`'${image}' at ${offset}: character ${i - offset} has ${scopes[i].join(' ')}, expected ${scope}`);
        break;
      }
    }
  }
  expect(wrong).toEqual([]);
  return want.size;
}

describe('TextMate grammar (vscode-textmate + vscode-oniguruma)', () => {
  for (const f of readdirSync('examples').filter((x) => x.endsWith('.cnn'))) {
    it(`examples/${f}: every token gets its scope`, () => {
      expect(check(readFileSync(`examples/${f}`, 'utf8'))).toBeGreaterThan(40);
    });
  }

  it('every kind of token, one-line networks, spaced pairs, negative and exponent numbers, // comments', () => {
    const text = [
      '// two networks',
      'network a { input shape=1x8x8 batch=2 conv c out=2 kernel=3 anchor=( -1 , 2 ) relu relu softmax }',
      'network b {',
      '  input shape = 3x9x9',
      '  bn   perpos eps=1e-5 momentum=.5 mode=channel   # per channel',
      '  pool over size=3 stride=2x1 round=ceil',
      '  full hidden out=16 bias=true',
      '  full out=4 bias=false',
      '  conv weird out=4 kernel=2x3 anchor=(0,-3)',
      '  pool p size=2 round=sideways',
      '}',
    ].join('\n');
    expect(check(text)).toBeGreaterThan(60);
    // And two scopes checked by hand, independently of the parser.
    const line = grammar.tokenizeLine('  conv   c1 out=6 kernel=5x5  # x', vsctm.INITIAL).tokens;
    const at = (col: number) => line.find((t) => t.startIndex <= col && col < t.endIndex)!.scopes.at(-1);
    expect([at(2), at(9), at(12), at(15), at(16), at(25), at(30), at(32)]).toEqual([
      'keyword.other.op.cnn', 'entity.name.function.layer.cnn', 'variable.parameter.option.cnn', 'keyword.operator.assignment.cnn',
      'constant.numeric.cnn', 'constant.numeric.size.cnn', 'punctuation.definition.comment.cnn', 'comment.line.number-sign.cnn',
    ]);
  });
});
