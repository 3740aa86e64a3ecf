// Every diagnostic class: the exact first lines (file, line, column, severity, message,
// code). Columns are counted by hand in the comments (1-based).
import { describe, expect, it } from 'vitest';
import { checkSource } from '../src/frontend/index.js';
import type { Limits } from '../src/check/limits.js';

const firstLines = (source: string, limits?: Partial<Limits>, file = 'm.cnn'): string[] =>
  checkSource(source, file, limits).formatted.split('\n').filter((l) => l.startsWith(`${file}:`));

/** A network `n` on an 8x8 single-channel input, with `body` as its lines 3…. */
const net = (body: string, input = 'input shape=1x8x8') => `network n {\n  ${input}\n${body}\n}\n`;

interface Case { name: string; source: string; expected: string[]; limits?: Partial<Limits> }

const cases: Case[] = [
  // "  input shape=1x8x8 @": input 3-7, shape 9-13, '=' 14, 1x8x8 15-19, '@' 21
  { name: 'E001 unexpected character', source: 'network n {\n  input shape=1x8x8 @\n  relu\n}\n',
    expected: ['m.cnn:2:21: error: unexpected character "@" [E001]'] },
  { name: 'E001 invisible characters are named by code point', source: 'network n {\n  input shape=1x8x8 \u2028\n  relu\u00a0r\n}\n',
    expected: ['m.cnn:2:21: error: unexpected character "\\u{2028}" [E001]', 'm.cnn:3:7: error: unexpected character "\\u{A0}" [E001]'] },
  // "  conv c1 out=4 kernel=3x3 anchor=(1 1)": anchor 28-33, '(' 35, 1 36, 1 38
  { name: 'E002 unexpected token', source: net('  conv c1 out=4 kernel=3x3 anchor=(1 1)'),
    expected: ["m.cnn:3:38: error: in a pair: expected ',', found '1' [E002]"] },
  { name: 'E002 keyword as a name', source: 'network input {\n  input shape=1x8x8\n  relu\n}\n',
    expected: ["m.cnn:1:9: error: expected a name, found the keyword 'input' (keywords cannot be names) [E002]"] },
  // the file ends with "\n": the end is line 4, column 1
  { name: 'E003 unexpected end of file', source: 'network n {\n  input shape=1x8x8\n  relu\n',
    expected: ["m.cnn:4:1: error: unexpected end of file: expected an op or '}' [E003]"] },
  { name: 'E004 no network', source: '# nothing here\n',
    expected: ["m.cnn:1:1: error: the file has no network; write 'network NAME { input shape=CxHxW ... }' [E004]"] },
  { name: 'E010 unknown op, close to one', source: net('  convv c1 out=4 kernel=3'),
    expected: ["m.cnn:3:3: error: unknown op 'convv'; did you mean 'conv'? [E010]"] },
  { name: 'E010 unknown op, close to none', source: net('  dropout'),
    expected: ["m.cnn:3:3: error: unknown op 'dropout' (the ops are conv, bn, relu, pool, full, softmax) [E010]"] },
  // "  conv c1 out=4 kernal=3x3": kernal 17-22. The suggested key is not also reported missing.
  { name: 'E011 unknown option', source: net('  conv c1 out=4 kernal=3x3'),
    expected: ["m.cnn:3:17: error: conv c1: unknown option 'kernal'; did you mean 'kernel'? [E011]"] },
  // "  relu r x=1": x at 10
  { name: 'E011 option on an op without options', source: net('  relu r x=1'),
    expected: ["m.cnn:3:10: error: relu r: unknown option 'x' (relu takes no options) [E011]"] },
  // "  pool p size=2 size=3": the second size at 17
  { name: 'E012 repeated option', source: net('  pool p size=2 size=3'),
    expected: ["m.cnn:3:17: error: pool p: option 'size' is repeated (first given on line 3) [E012]"] },
  { name: 'E013 missing required option', source: net('  full f'),
    expected: ["m.cnn:3:3: error: full f: missing required option 'out' (write e.g. out=10) [E013]"] },
  { name: 'E013 input without shape', source: 'network n {\n  input batch=4\n  relu\n}\n',
    expected: ["m.cnn:2:3: error: input: missing required option 'shape' (write e.g. shape=1x28x28) [E013]"] },
  // "  conv c1 out=5x5 kernel=3": 5x5 at 15
  { name: 'E014 wrong value kind', source: net('  conv c1 out=5x5 kernel=3'),
    expected: ['m.cnn:3:15: error: conv c1: out must be a positive integer, not the size 5x5 [E014]'] },
  { name: 'E014 a size with three parts for a kernel', source: net('  conv c1 out=2 kernel=1x3x3'),
    expected: ['m.cnn:3:24: error: conv c1: kernel must be a size like 3x3 (or 3 for 3x3), not the size 1x3x3 [E014]'] },
  // "  conv c1 out=4 kernel=0x3": 0x3 at 24
  { name: 'E015 size of zero', source: net('  conv c1 out=4 kernel=0x3'),
    expected: ['m.cnn:3:24: error: conv c1: kernel=0x3 has a size of zero [E015]'] },
  // "  full f out=-2": -2 at 14
  { name: 'E015 negative count', source: net('  full f out=-2'),
    expected: ['m.cnn:3:14: error: full f: out must be positive, not -2 [E015]'] },
  { name: 'E016 number too large', source: net('  full f out=99999999999'),
    expected: ['m.cnn:3:14: error: full f: out=99999999999 is too large to be a size (each size is at most 1,048,576) [E016]'] },
  // "  pool p size=2 round=up": up at 23
  { name: 'E017 word not allowed', source: net('  pool p size=2 round=up'),
    expected: ["m.cnn:3:23: error: pool p: round must be 'floor' or 'ceil', not 'up' [E017]"] },
  // "  bn b mode=positon": positon at 13 (batch=2: no W001 whatever the mode)
  // "  conv c1 out=4 kernel=3 bias=maybe": maybe at 31
  { name: 'E017 conv bias not a boolean', source: net('  conv c1 out=4 kernel=3 bias=maybe'),
    expected: ["m.cnn:3:31: error: conv c1: bias must be 'true' or 'false', not 'maybe' [E017]"] },
  { name: 'E017 word with a suggestion', source: net('  bn b mode=positon', 'input shape=1x8x8 batch=2'),
    expected: ["m.cnn:3:13: error: bn b: mode must be 'position' or 'channel', not 'positon'; did you mean 'position'? [E017]"] },
  // "  bn b eps=0": 0 at 12
  { name: 'E017 eps not positive', source: net('  bn b eps=0', 'input shape=1x8x8 batch=2'),
    expected: ['m.cnn:3:12: error: bn b: eps must be a positive number like 1e-5, not 0 [E017]'] },
  { name: 'E018 first line is not input', source: 'network n {\n  relu\n}\n',
    expected: ["m.cnn:2:3: error: network n: the first line must be 'input shape=CxHxW', found 'relu' [E018]"] },
  { name: 'E018 input twice', source: net('  relu\n  input shape=1x2x2'),
    expected: ['m.cnn:4:3: error: input must be the first line of the network and given once (it is on line 2) [E018]'] },
  // "  relu r": r at 8
  { name: 'E020 repeated layer name', source: net('  relu r\n  relu r'),
    expected: ["m.cnn:4:8: error: relu r: the name 'r' is already used on line 3 [E020]"] },
  { name: 'E020 automatic name taken', source: net('  conv relu1 out=2 kernel=1\n  relu'),
    expected: ["m.cnn:4:3: error: relu relu1: the automatic name 'relu1' is already used on line 3; give this layer a name [E020]"] },
  { name: 'E021 repeated network name', source: `${net('  relu')}${net('  relu')}`,
    expected: ["m.cnn:5:9: error: network name 'n' is already used on line 1 [E021]"] },
  // "  conv c out=1 kernel=3x3 anchor=(10,0)": '(' at 34. Rows read: -10+p .. 7-10+p, p<3,
  // so -10..-1: never row 0..7.
  { name: 'E031 window off the map (below)', source: net('  conv c out=1 kernel=3x3 anchor=(10,0)'),
    expected: ['m.cnn:3:34: error: conv c: with anchor (10,0) the 3x3 window lies outside the 8x8 map it receives from input for every output, so the output would be all zeros [E031]'] },
  // columns read j+8+q: 8..17, all right of column 7
  { name: 'E031 window off the map (right)', source: net('  conv c out=1 kernel=3x3 anchor=(1,-8)'),
    expected: ['m.cnn:3:34: error: conv c: with anchor (1,-8) the 3x3 window lies outside the 8x8 map it receives from input for every output, so the output would be all zeros [E031]'] },
  { name: 'E032 softmax input not Cx1x1', source: net('  softmax'),
    expected: ["m.cnn:3:3: error: softmax softmax1: its input from input is 1x8x8, not Cx1x1; put a 'full out=N' layer before it [E032]"] },
  { name: 'E033 layer after softmax', source: net('  full f out=3\n  softmax\n  relu'),
    expected: ['m.cnn:5:3: error: relu relu1: no layer may follow softmax (softmax1 on line 4 ends the network) [E033]'] },
  { name: 'E034 no layers', source: 'network n {\n  input shape=1x8x8\n}\n',
    expected: ['m.cnn:1:9: error: network n has no layers after its input [E034]'] },
  // 2·1·8192·8192 = 134,217,728 > 2^26 = 67,108,864; shape value at 15
  { name: 'E040 input block too large', source: 'network n {\n  input shape=1x8192x8192 batch=2\n  relu\n}\n',
    expected: ['m.cnn:2:15: error: input: the input block 2x1x8192x8192 holds 134,217,728 numbers, more than the limit of 67,108,864 (maxBlockElements) [E040]'] },
  // 128·1024·1024 = 134,217,728
  { name: 'E040 layer output too large', source: net('  conv c out=128 kernel=1', 'input shape=1x1024x1024'),
    expected: ['m.cnn:3:3: error: conv c: its output block 1x128x1024x1024 holds 134,217,728 numbers, more than the limit of 67,108,864 (maxBlockElements) [E040]'] },
  // 100·1,048,576 = 104,857,600
  { name: 'E041 weight tensor too large', source: net('  full f out=100', 'input shape=1x1024x1024'),
    expected: ['m.cnn:3:3: error: full f: its w tensor 100x1048576 holds 104,857,600 numbers, more than the limit of 67,108,864 (maxWeightElements) [E041]'] },
  // 2 conv layers of 64·64·128·128·9 = 603,979,776 MACs each = 1,207,959,552 > 1e9
  { name: 'E042 too many multiply-adds', source: net('  conv a out=64 kernel=3\n  conv b out=64 kernel=3', 'input shape=64x128x128'),
    limits: { maxMacsPerSample: 1e9 },
    expected: ['m.cnn:1:9: error: network n needs 1,207,959,552 multiply-adds per sample, more than the limit of 1,000,000,000 (maxMacsPerSample) [E042]'] },
  // 3·600·600 = 1,080,000 statements for the three kernels of one 600x600 window
  { name: 'E043 generated code too large', source: net('  conv c out=1 kernel=600x600', 'input shape=1x1x1'),
    expected: ['m.cnn:1:9: error: network n would need about 1,080,000 kernel statements, more than the limit of 1,000,000 (maxKernelStatements) [E043]'] },
  // two networks of 47 estimated statements each (conv 3·3·3 = 27, relu 20): 94 > 93 for the file
  { name: 'E043 generated code too large, for the whole file',
    source: `${net('  conv c out=1 kernel=3\n  relu')}network o {\n  input shape=1x8x8\n  conv c out=1 kernel=3\n  relu\n}\n`,
    limits: { maxKernelStatements: 93 },
    // lines 1-5 are network n, line 6 "network o {": the name o at column 9
    expected: ['m.cnn:6:9: error: the networks of the file up to o would need about 94 kernel statements together, more than the limit of 93 (maxKernelStatements, for the whole file) [E043]'] },
  // the 4th layer (of 5) is the first over the limit: line 2+4 = 6, "  relu" at column 3
  { name: 'E044 too many layers in the file', source: net('  relu\n  relu\n  relu\n  relu\n  relu'), limits: { maxLayers: 3 },
    expected: ['m.cnn:6:3: error: the file has 5 layers, more than the limit of 3 (maxLayers, all networks together); this is layer 4 [E044]'] },
  // net('  relu') is 41 bytes: "network n {\n" 12 + "  input shape=1x8x8\n" 20 + "  relu\n" 7 + "}\n" 2
  { name: 'E045 source file too large', source: net('  relu'), limits: { maxSourceBytes: 40 },
    expected: ['m.cnn:1:1: error: the file holds 41 bytes, more than the limit of 40 (maxSourceBytes); a model is a few kilobytes [E045]'] },
  { name: 'W001 per-position bn with batch=1', source: net('  bn b'),
    expected: ['m.cnn:3:3: warning: bn b: per-position normalisation with batch=1 sets every value to beta; use mode=channel or a larger batch [W001]'] },
  // "  conv c1 out=4 kernel=3x3 bias=true": bias 28-31, '=' 32, true at 33
  { name: 'W002 conv bias right before bn', source: net('  conv c1 out=4 kernel=3x3 bias=true\n  bn n1', 'input shape=1x8x8 batch=2'),
    expected: ["m.cnn:3:33: warning: conv c1: bias=true has no effect: bn n1 right after subtracts the batch mean, bias included (bn's beta is the offset); remove bias=true [W002]"] },
  // "  full f1 out=5 bias=true": true at 22; channel mode too
  { name: 'W002 conv bias with pools between it and bn', source: net('  conv c1 out=4 kernel=3x3 bias=true\n  pool p1 size=2x2 stride=2\n  pool p2 size=3x3 stride=1 round=ceil\n  bn n1 mode=channel', 'input shape=1x8x8 batch=2'),
    expected: ["m.cnn:3:33: warning: conv c1: bias=true has no effect: bn n1 after pools p1, p2 subtracts the batch mean, bias included (bn's beta is the offset); remove bias=true [W002]"] },
  { name: 'W002 full bias right before bn', source: net('  full f1 out=5 bias=true\n  bn n1 mode=channel', 'input shape=1x8x8 batch=2'),
    expected: ["m.cnn:3:22: warning: full f1: bias=true has no effect: bn n1 right after subtracts the batch mean, bias included (bn's beta is the offset); remove bias=true [W002]"] },
];

describe('diagnostics: exact first lines', () => {
  for (const c of cases) {
    it(c.name, () => expect(firstLines(c.source, c.limits)).toEqual(c.expected));
  }

  it("the pool example message of docs/language.md", () => {
    // Line 7 is the example's line; p2 receives relu2's 1x1 map (4x4 pooled by 4x4).
    const source = [
      'network lenet {',
      '  input  shape=1x4x4 batch=2',
      '  bn     n1 mode=channel',
      '  pool   p1 size=4x4',
      '  relu',
      '  relu',
      '  pool   p2 size=2x2 stride=2',
      '}',
    ].join('\n');
    expect(checkSource(source, 'lenet.cnn').formatted).toBe([
      'lenet.cnn:7:18: error: pool p2: a 2x2 pool does not fit the 1x1 map it receives from relu2 [E030]',
      '  pool   p2 size=2x2 stride=2',
      '                 ^~~',
    ].join('\n'));
    // ceil mode clips the pool to the map instead: one 1x1 output
    const ceil = checkSource(source.replace('stride=2', 'stride=2 round=ceil'), 'lenet.cnn');
    expect(ceil.diagnostics).toEqual([]);
    expect(ceil.model!.networks[0].output).toEqual({ c: 1, h: 1, w: 1 });
  });

  it('a pool that fits in height but not in width', () => {
    expect(firstLines(net('  pool p size=2x9'))).toEqual([
      'm.cnn:3:15: error: pool p: a 2x9 pool does not fit the 8x8 map it receives from input [E030]',
    ]);
  });

  it('limits are configurable', () => {
    const source = net('  conv c out=4 kernel=3');
    expect(checkSource(source, 'm.cnn').model).toBeDefined();
    // 4·8·8 = 256 numbers in the conv's output block
    expect(firstLines(source, { maxBlockElements: 255 })).toEqual([
      'm.cnn:3:3: error: conv c: its output block 1x4x8x8 holds 256 numbers, more than the limit of 255 (maxBlockElements) [E040]',
    ]);
  });

  it('the window boundaries: the last anchors that still touch the map pass', () => {
    // rows read i-9+p: at i=7, p=2 that is row 0; columns j+7+q: at j=0, q=0 column 7
    expect(checkSource(net('  conv c out=1 kernel=3x3 anchor=(9,-7)'), 'm.cnn').diagnostics).toEqual([]);
  });

  it('warnings do not stop the model', () => {
    const r = checkSource(net('  bn b'), 'm.cnn');
    expect(r.model?.networks[0].layers[0].op).toBe('bn');
    const biased = checkSource(net('  conv c1 out=4 kernel=3x3 bias=true\n  bn n1', 'input shape=1x8x8 batch=2'), 'm.cnn');
    expect(biased.diagnostics.map((d) => d.code)).toEqual(['W002']);
    expect(biased.model?.networks[0].layers.map((l) => l.op)).toEqual(['conv', 'bn']);
  });

  it('W002 only for a bias right before bn or with only pools between', () => {
    const quiet = (body: string) => expect(checkSource(net(body, 'input shape=1x8x8 batch=2'), 'm.cnn').diagnostics, body).toEqual([]);
    quiet('  conv c1 out=4 kernel=3x3\n  bn n1'); // no bias
    quiet('  conv c1 out=4 kernel=3x3 bias=false\n  bn n1');
    quiet('  conv c1 out=4 kernel=3x3 bias=true\n  relu\n  bn n1'); // relu between: the bias moves the gate
    quiet('  bn n0\n  bn n1');
    quiet('  conv c1 out=4 kernel=3x3 bias=true\n  pool p1 size=2x2 stride=2\n  relu\n  bn n1'); // relu after the pool
    quiet('  conv c1 out=4 kernel=3x3 bias=true\n  conv c2 out=4 kernel=3x3\n  pool p1 size=2x2 stride=2\n  bn n1'); // the pool's producer has no bias
    quiet('  full f1 out=5 bias=true\n  relu\n  full f2 out=3 bias=true');
    // A layer whose options are wrong is not "the layer before": only its own error.
    expect(firstLines(net('  conv c1 out=0 kernel=3x3 bias=true\n  bn n1', 'input shape=1x8x8 batch=2')).map((l) => l.slice(-6))).toEqual(['[E015]']);
  });
});

describe('every problem of a file at once, sorted by position', () => {
  it('reports syntax errors on several lines and model errors together', () => {
    const source = [
      'network n {', //                                1
      '  input shape=1x8x8 batch=2', //               2
      '  conv c1 out=4 kernel=3x3 anchor=(1 1)', //   3  syntax: missing ','
      '  relu $', //                                  4  lexer: '$' at 8
      '  pool p1 size=2 round=up', //                 5  E017 at 24
      '  full f1 out=10 bias=yes', //                 6  E017 at 23
      '  softmax', //                                 7
      '  relu', //                                    8  E033
      '}',
    ].join('\n');
    expect(firstLines(source)).toEqual([
      "m.cnn:3:38: error: in a pair: expected ',', found '1' [E002]",
      'm.cnn:4:8: error: unexpected character "$" [E001]',
      "m.cnn:5:24: error: pool p1: round must be 'floor' or 'ceil', not 'up' [E017]",
      "m.cnn:6:23: error: full f1: bias must be 'true' or 'false', not 'yes' [E017]",
      'm.cnn:8:3: error: relu relu2: no layer may follow softmax (softmax1 on line 7 ends the network) [E033]',
    ]);
  });

  it('every network of a file is checked', () => {
    const source = `${net('  full f out=0')}network m {\n  input shape=1x2x2\n  pool p size=3\n}\n`;
    expect(firstLines(source)).toEqual([
      'm.cnn:3:14: error: full f: out must be positive, not 0 [E015]',
      'm.cnn:7:15: error: pool p: a 3x3 pool does not fit the 2x2 map it receives from input [E030]',
    ]);
  });
});
