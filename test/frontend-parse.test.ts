// The lexer and parser: the lexical rules of docs/language.md, the AST and its locations.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { parseSource } from '../src/frontend/parse.js';
import { checkSource } from '../src/frontend/index.js';

const ok = (source: string) => {
  const r = checkSource(source, 'm.cnn');
  expect(r.diagnostics).toEqual([]);
  return r.model!.networks[0];
};

describe('lexical rules', () => {
  it('comments with # and //, any whitespace, CRLF line ends', () => {
    const net = ok('// a model\r\nnetwork n{input shape=1x4x4 # the input\r\n\tconv c out=2 kernel=3//x\r\n}');
    expect(net.layers.map((l) => l.name)).toEqual(['c']);
  });

  it('a single integer where a pair of sizes is expected means SxS', () => {
    const net = ok('network n { input shape=1x9x9 pool p size=3 stride=2 }');
    const p = net.layers[0];
    expect(p.op === 'pool' && [p.size, p.stride]).toEqual([{ rows: 3, cols: 3 }, { rows: 2, cols: 2 }]);
  });

  it('negative anchors, spaces inside pairs, exponent numbers', () => {
    const net = ok('network n { input shape=1x4x4 batch=2 conv c out=1 kernel=2x3 anchor=( -1 , 3 ) bn b eps=1e-3 momentum=.5 }');
    const [c, b] = net.layers;
    expect(c.op === 'conv' && c.anchor).toEqual({ row: -1, col: 3 });
    expect(b.op === 'bn' && [b.eps, b.momentum]).toEqual([0.001, 0.5]);
  });

  it('keywords are whole words: convex, reluctant and outer are names', () => {
    const net = ok('network convex { input shape=1x4x4 conv reluctant out=1 kernel=1 relu outer }');
    expect([net.name, ...net.layers.map((l) => l.name)]).toEqual(['convex', 'reluctant', 'outer']);
  });

  it('JavaScript reserved words are fine as names', () => {
    const net = ok('network class { input shape=1x4x4 conv function out=1 kernel=1 relu delete full new out=2 }');
    expect(net.layers.map((l) => l.name)).toEqual(['function', 'delete', 'new']);
  });

  it('statements need no line breaks; names are case-sensitive', () => {
    const net = ok('network n { input shape=1x4x4 relu R relu r }');
    expect(net.layers.map((l) => l.name)).toEqual(['R', 'r']);
  });

  it('unnamed layers are <op><n>, counting each op from 1', () => {
    const net = ok('network n { input shape=1x8x8 conv out=2 kernel=3 relu conv out=2 kernel=3 relu pool size=2 }');
    expect(net.layers.map((l) => l.name)).toEqual(['conv1', 'relu1', 'conv2', 'relu2', 'pool1']);
  });

  it('conv bias=true adds b (C_r zeros) after w, counted as learnable; bias=false is the default', () => {
    const net = ok('network n { input shape=2x4x4 conv c out=3 kernel=3 bias=true conv d out=2 kernel=1 bias=false }');
    const [c, d] = net.layers;
    expect(c.op === 'conv' && c.bias).toBe(true);
    expect(c.params.map((q) => [q.key, q.shape, q.learnable, q.init])).toEqual([['w', [3, 2, 3, 3], true, 'he'], ['b', [3], true, 'zeros']]);
    expect(d.op === 'conv' && d.bias).toBeUndefined();
    expect(d.params.map((q) => q.key)).toEqual(['w']);
    expect(net.totals.params).toBe(3 * 2 * 9 + 3 + 2 * 3);
  });

  it('defaults: batch 1, centre anchors, stride = size, floor, bn position eps 1e-5 momentum 0.1, no bias', () => {
    const net = ok('network n { input shape=1x8x8 conv c out=2 kernel=4x5 pool p size=2x3 bn b mode=channel full f out=3 }');
    expect(net.batch).toBe(1);
    const [c, p, b, f] = net.layers;
    expect(c.op === 'conv' && c.anchor).toEqual({ row: 1, col: 2 }); // ⌊3/2⌋, ⌊4/2⌋
    expect(p.op === 'pool' && [p.stride, p.round]).toEqual([{ rows: 2, cols: 3 }, 'floor']);
    expect(b.op === 'bn' && [b.eps, b.momentum]).toEqual([1e-5, 0.1]);
    expect(f.op === 'full' && f.bias).toBe(false);
    // An unbiased conv has no bias field (checked networks print as before) and no b.
    expect(c.op === 'conv' && [c.bias, c.params.map((q) => q.key)]).toEqual([undefined, ['w']]);
    expect(ok('network n { input shape=1x8x8 batch=2 bn b }').layers[0]).toMatchObject({ mode: 'position' });
  });
});

describe('the AST keeps every location', () => {
  it('of the LeNet of docs/language.md', () => {
    const { ast, diagnostics } = parseSource(readFileSync('test/fixtures/spec/lenet.cnn', 'utf8'));
    expect(diagnostics).toEqual([]);
    const [net] = ast.networks;
    expect(net.loc).toMatchObject({ line: 2, column: 1 });
    expect(net.name).toMatchObject({ text: 'lenet', loc: { line: 2, column: 9, length: 5 } });
    // line 7: "  conv   c2 out=16 kernel=5x6 anchor=(2,1)"
    const c2 = net.statements[4];
    expect(c2.op.loc).toMatchObject({ line: 7, column: 3 });
    expect(c2.name).toMatchObject({ text: 'c2', loc: { line: 7, column: 10 } });
    expect(c2.options.map((o) => [o.key.text, o.key.loc.column, o.value?.loc.column])).toEqual([
      ['out', 13, 17], ['kernel', 20, 27], ['anchor', 31, 38],
    ]);
    expect(c2.options[2].value).toMatchObject({ kind: 'pair', text: '(2,1)', loc: { length: 5 } });
  });

  it('and the checked model keeps each layer at its op', () => {
    const net = ok(readFileSync('examples/lenet.cnn', 'utf8'));
    expect(net.layers.map((l) => l.loc.line)).toEqual([4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
  });
});

describe('error recovery', () => {
  it('reports a syntax error on each of several lines', () => {
    const { diagnostics } = parseSource([
      'network n {',
      '  input shape=1x8x8',
      '  conv c out=2 kernel=3 anchor=(1,)', // 3: ')' where a number must be
      '  relu =', // 4: '=' without a key
      '  full f out=10',
      '  pool p size=(2 2)', // 6: missing ','
      '}',
    ].join('\n'));
    expect(diagnostics.map((d) => [d.code, d.loc.line])).toEqual([['E002', 3], ['E002', 4], ['E002', 6]]);
  });

  it('a second network after a broken one is still read', () => {
    const { ast } = parseSource('network a { input shape= }\nnetwork b { input shape=1x2x2 relu }');
    expect(ast.networks.map((n) => n.name?.text)).toEqual(['a', 'b']);
    expect(ast.networks[1].statements.map((s) => s.op.text)).toEqual(['input', 'relu']);
  });
});

describe('malformed numbers are one token', () => {
  it('quotes what was written: 3x, 28x28x, 10a, 1e, 1.5.3', () => {
    for (const bad of ['3x', '28x28x', '10a', '1e', '1.5.3']) {
      const { diagnostics } = parseSource(`network n { input shape=1x4x4 full f out=${bad} }`);
      // "network n { input shape=1x4x4 full f out=" is 41 characters: the value starts at column 42
      expect(diagnostics.map((d) => [d.loc.column, d.message])).toEqual([
        [42, `expected a value (a number, a size like 3x3, a word or a pair like (1,2)), found '${bad}'`],
      ]);
    }
  });
});
