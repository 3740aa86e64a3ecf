// A small WebAssembly assembler: functions are built as lists of instructions (names as in
// the text format), and a module prints both as binary bytes and as WAT text from the same
// lists, so the bytes a generated module carries and the text a user reads (`--emit wat`)
// cannot disagree (a test assembles the text with wabt and compares the bytes).
//
// Only what the kernels use is here: one memory (fixed size, exported), functions, calls,
// structured control, i32/f32/f64 scalars, the SIMD proposal's f32x4 set and the relaxed
// SIMD multiply-add. Alignment hints are always the natural ones (V8 ignores them).
// Why a byte emitter and not wabt at build time: see docs/architecture.md.

export type ValType = 'i32' | 'i64' | 'f32' | 'f64' | 'v128';

const valCode: Record<ValType, number> = { i32: 0x7f, i64: 0x7e, f32: 0x7d, f64: 0x7c, v128: 0x7b };

/** Immediate kinds: how an instruction's arguments are encoded and printed. */
type Imm =
  | 'none'
  | 'mem' // memarg: [offset]
  | 'memlane' // memarg + lane: [offset, lane]
  | 'lane' // [lane]
  | 'i32' | 'i64' | 'f32' | 'f64'
  | 'v128' // [shape 'i32x4' | 'f32x4', a, b, c, d]
  | 'local' | 'label' | 'func'
  | 'block' // [label, result?]
  | 'zero1' | 'zero2' // memory.fill / memory.copy memory indices
  | 'shuffle'; // i8x16.shuffle: 16 lane indices (0-31)

interface OpInfo { code: number[]; imm: Imm; align?: number }

const ops = new Map<string, OpInfo>();
const def = (name: string, code: number[], imm: Imm = 'none', align?: number) => ops.set(name, { code, imm, align });
const simd = (name: string, sub: number, imm: Imm = 'none', align?: number) => def(name, [0xfd, ...uleb(sub)], imm, align);

// Control and variables.
def('unreachable', [0x00]); def('nop', [0x01]);
def('block', [0x02], 'block'); def('loop', [0x03], 'block'); def('if', [0x04], 'block');
def('else', [0x05]); def('end', [0x0b]);
def('br', [0x0c], 'label'); def('br_if', [0x0d], 'label'); def('return', [0x0f]);
def('call', [0x10], 'func'); def('drop', [0x1a]); def('select', [0x1b]);
def('local.get', [0x20], 'local'); def('local.set', [0x21], 'local'); def('local.tee', [0x22], 'local');
// Memory.
def('i32.load', [0x28], 'mem', 2); def('f32.load', [0x2a], 'mem', 2); def('f64.load', [0x2b], 'mem', 3);
def('i32.store', [0x36], 'mem', 2); def('f32.store', [0x38], 'mem', 2); def('f64.store', [0x39], 'mem', 3);
def('memory.copy', [0xfc, 10], 'zero2'); def('memory.fill', [0xfc, 11], 'zero1');
// Constants.
def('i32.const', [0x41], 'i32'); def('f32.const', [0x43], 'f32'); def('f64.const', [0x44], 'f64');
// i32.
[
  'eqz', 'eq', 'ne', 'lt_s', 'lt_u', 'gt_s', 'gt_u', 'le_s', 'le_u', 'ge_s', 'ge_u',
].forEach((n, i) => def(`i32.${n}`, [0x45 + i]));
['add', 'sub', 'mul', 'div_s', 'div_u', 'rem_s', 'rem_u', 'and', 'or', 'xor', 'shl', 'shr_s', 'shr_u']
  .forEach((n, i) => def(`i32.${n}`, [0x6a + i]));
// f32 / f64.
['eq', 'ne', 'lt', 'gt', 'le', 'ge'].forEach((n, i) => { def(`f32.${n}`, [0x5b + i]); def(`f64.${n}`, [0x61 + i]); });
['abs', 'neg', 'ceil', 'floor', 'trunc', 'nearest', 'sqrt', 'add', 'sub', 'mul', 'div', 'min', 'max', 'copysign']
  .forEach((n, i) => { def(`f32.${n}`, [0x8b + i]); def(`f64.${n}`, [0x99 + i]); });
def('i32.trunc_f32_s', [0xa8]); def('f32.convert_i32_s', [0xb2]); def('f32.demote_f64', [0xb6]);
def('f64.convert_i32_s', [0xb7]); def('f64.promote_f32', [0xbb]);
// i64 (no i64.const: build constants with i64.extend_i32_s) and bit casts, for exp/log.
def('i64.add', [0x7c]); def('i64.sub', [0x7d]); def('i64.shl', [0x86]); def('i64.shr_u', [0x88]);
def('i32.wrap_i64', [0xa7]); def('i32.trunc_f64_s', [0xaa]); def('i64.extend_i32_s', [0xac]);
def('i32.reinterpret_f32', [0xbc]); def('i64.reinterpret_f64', [0xbd]);
def('f32.reinterpret_i32', [0xbe]); def('f64.reinterpret_i64', [0xbf]);
// SIMD (0xfd prefix).
simd('v128.load', 0x00, 'mem', 4); simd('v128.load32_splat', 0x09, 'mem', 2); simd('v128.load64_splat', 0x0a, 'mem', 3);
simd('v128.store', 0x0b, 'mem', 4); simd('v128.const', 0x0c, 'v128'); simd('i8x16.shuffle', 0x0d, 'shuffle');
simd('i32x4.splat', 0x11); simd('f32x4.splat', 0x13);
simd('i32x4.extract_lane', 0x1b, 'lane'); simd('i32x4.replace_lane', 0x1c, 'lane');
simd('f32x4.extract_lane', 0x1f, 'lane'); simd('f32x4.replace_lane', 0x20, 'lane');
['eq', 'ne', 'lt_s', 'lt_u', 'gt_s', 'gt_u', 'le_s', 'le_u', 'ge_s', 'ge_u'].forEach((n, i) => simd(`i32x4.${n}`, 0x37 + i));
['eq', 'ne', 'lt', 'gt', 'le', 'ge'].forEach((n, i) => simd(`f32x4.${n}`, 0x41 + i));
['not', 'and', 'andnot', 'or', 'xor', 'bitselect', 'any_true'].forEach((n, i) => simd(`v128.${n}`, 0x4d + i));
simd('v128.load32_lane', 0x56, 'memlane', 2); simd('v128.load64_lane', 0x57, 'memlane', 3);
simd('v128.store32_lane', 0x5a, 'memlane', 2); simd('v128.store64_lane', 0x5b, 'memlane', 3);
simd('v128.load32_zero', 0x5c, 'mem', 2); simd('v128.load64_zero', 0x5d, 'mem', 3);
simd('i32x4.add', 0xae); simd('i32x4.sub', 0xb1); simd('i32x4.mul', 0xb5);
['abs', 'neg', null, 'sqrt', 'add', 'sub', 'mul', 'div', 'min', 'max', 'pmin', 'pmax'].forEach((n, i) => {
  if (n) simd(`f32x4.${n}`, 0xe0 + i);
});
simd('f32x4.relaxed_madd', 0x105); simd('f32x4.relaxed_nmadd', 0x106);
// f64x2 (bn statistics and normalisation in float64, as the JS kernels compute them).
simd('f64x2.splat', 0x14); simd('f64x2.extract_lane', 0x21, 'lane'); simd('f64x2.replace_lane', 0x22, 'lane');
simd('f32x4.demote_f64x2_zero', 0x5e); simd('f64x2.promote_low_f32x4', 0x5f);
['sqrt', 'add', 'sub', 'mul', 'div'].forEach((n, i) => simd(`f64x2.${n}`, 0xef + i));

/** The instructions the assembler knows, for tests and error messages. */
export const knownOps: readonly string[] = [...ops.keys()];

export function uleb(n: number): number[] {
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new Error(`wasm: ${n} is not a u32`);
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n = Math.floor(n / 128);
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

export function sleb(n: number): number[] {
  if (!Number.isInteger(n) || n < -0x80000000 || n > 0xffffffff) throw new Error(`wasm: ${n} is not an i32`);
  n |= 0; // i32.const takes the two's-complement value: 0xffffffff is -1
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

const f32Bytes = (x: number) => Array.from(new Uint8Array(new Float32Array([x]).buffer));
const f64Bytes = (x: number) => Array.from(new Uint8Array(new Float64Array([x]).buffer));
const i32Bytes = (x: number) => Array.from(new Uint8Array(new Int32Array([x]).buffer));

/** A float as WAT text that assembles back to exactly the same value. */
function floatText(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (Object.is(x, -0)) return '-0';
  return String(x);
}

type Arg = number | string;
interface Instr { op: string; args: Arg[] }

const identifier = /^[A-Za-z0-9_$.]+$/;

/** One function: parameters, locals and a flat instruction list (structured by block/loop/if … end). */
export class Func {
  readonly locals: { name: string; type: ValType }[] = [];
  readonly body: Instr[] = [];
  private depth = 0;

  constructor(
    readonly name: string,
    readonly params: [string, ValType][] = [],
    readonly results: ValType[] = [],
  ) {
    if (!identifier.test(name)) throw new Error(`wasm: bad function name ${JSON.stringify(name)}`);
    for (const [p] of params) this.checkNew(p);
    if (new Set(params.map(([p]) => p)).size !== params.length) throw new Error(`wasm: ${name} has two parameters of one name`);
  }

  private checkNew(name: string): void {
    if (!identifier.test(name)) throw new Error(`wasm: bad local name ${JSON.stringify(name)}`);
  }

  /** Declares a local (once; asking again for the same name and type returns it). */
  local(name: string, type: ValType): string {
    const p = this.params.find(([n]) => n === name);
    const l = this.locals.find((x) => x.name === name);
    const have = p ? p[1] : l?.type;
    if (have !== undefined) {
      if (have !== type) throw new Error(`wasm: local ${name} of ${this.name} is ${have}, not ${type}`);
      return name;
    }
    this.checkNew(name);
    this.locals.push({ name, type });
    return name;
  }

  op(op: string, ...args: Arg[]): this {
    if (!ops.has(op)) throw new Error(`wasm: unknown instruction ${op}`);
    if (op === 'block' || op === 'loop' || op === 'if') this.depth++;
    if (op === 'end') {
      if (this.depth === 0) throw new Error(`wasm: unbalanced end in ${this.name}`);
      this.depth--;
    }
    this.body.push({ op, args });
    return this;
  }

  // Shorthands for the commonest instructions.
  get(l: string): this { return this.op('local.get', l); }
  set(l: string): this { return this.op('local.set', l); }
  tee(l: string): this { return this.op('local.tee', l); }
  i32(n: number): this { return this.op('i32.const', n); }
  f32(x: number): this { return this.op('f32.const', x); }
  end(): this { return this.op('end'); }

  /** True once every block, loop and if is closed. */
  get balanced(): boolean { return this.depth === 0; }
}

export interface MemorySpec { pages: number; exportName: string }

/** A module: one memory, functions (some exported), and data segments (the memory's initial contents). */
export class Module {
  private readonly funcs: { f: Func; exportName?: string }[] = [];
  private memorySpec: MemorySpec | null = null;
  private readonly segments: { offset: number; bytes: Uint8Array; note: string }[] = [];

  /** An active data segment: `bytes` at `offset` of the memory when instantiated; `note` names it in the WAT. */
  data(offset: number, bytes: Uint8Array, note = ''): this {
    if (!this.memorySpec) throw new Error('wasm: a data segment needs the memory first');
    if (!Number.isInteger(offset) || offset < 0 || offset + bytes.length > this.memorySpec.pages * 65536) {
      throw new Error(`wasm: data segment of ${bytes.length} bytes at ${offset} is outside the memory`);
    }
    this.segments.push({ offset, bytes, note });
    return this;
  }

  /**
   * The data section alone (id 11, the last section), empty without segments: appended to
   * toBytes({ data: false }) it gives toBytes(), so modules that differ only in their code
   * can carry one copy of the data.
   */
  dataSection(): Uint8Array<ArrayBuffer> {
    if (this.segments.length === 0) return new Uint8Array(0);
    // Each segment: active in memory 0 (0x00), at (i32.const offset), its bytes.
    const parts: (number[] | Uint8Array)[] = [uleb(this.segments.length)];
    for (const s of this.segments) parts.push([0x00, 0x41, ...sleb(s.offset), 0x0b, ...uleb(s.bytes.length)], s.bytes);
    const size = parts.reduce((a, p) => a + p.length, 0);
    const head = [11, ...uleb(size)];
    const out = new Uint8Array(head.length + size);
    out.set(head);
    let o = head.length;
    for (const p of parts) { out.set(p, o); o += p.length; }
    return out;
  }

  memory(pages: number, exportName = 'memory'): this {
    if (!Number.isInteger(pages) || pages < 1 || pages > 65536) throw new Error(`wasm: ${pages} memory pages`);
    this.memorySpec = { pages, exportName };
    return this;
  }

  add(f: Func, exportName?: string): this {
    if (!f.balanced) throw new Error(`wasm: function ${f.name} has unclosed blocks`);
    if (this.funcs.some((x) => x.f.name === f.name)) throw new Error(`wasm: function ${f.name} added twice`);
    this.funcs.push({ f, exportName });
    return this;
  }

  get functions(): readonly Func[] { return this.funcs.map((x) => x.f); }

  private types(): { key: string; params: ValType[]; results: ValType[] }[] {
    const out: { key: string; params: ValType[]; results: ValType[] }[] = [];
    for (const { f } of this.funcs) {
      const key = sigKey(f);
      if (!out.some((t) => t.key === key)) out.push({ key, params: f.params.map(([, t]) => t), results: f.results });
    }
    return out;
  }

  /** The binary module; `data: false` leaves the data section out (see dataSection). */
  toBytes(options: { data?: boolean } = {}): Uint8Array<ArrayBuffer> {
    const types = this.types();
    const funcIndex = new Map(this.funcs.map(({ f }, i) => [f.name, i]));
    const out: number[] = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
    const section = (id: number, content: number[]) => out.push(id, ...uleb(content.length), ...content);
    const vec = (items: number[][]) => [...uleb(items.length), ...items.flat()];
    section(1, vec(types.map((t) => [0x60, ...vec(t.params.map((p) => [valCode[p]])), ...vec(t.results.map((r) => [valCode[r]]))])));
    section(3, vec(this.funcs.map(({ f }) => uleb(types.findIndex((t) => t.key === sigKey(f))))));
    if (this.memorySpec) section(5, vec([[0x01, ...uleb(this.memorySpec.pages), ...uleb(this.memorySpec.pages)]]));
    const exports: number[][] = [];
    const name = (s: string) => { const b = Array.from(new TextEncoder().encode(s)); return [...uleb(b.length), ...b]; };
    if (this.memorySpec) exports.push([...name(this.memorySpec.exportName), 0x02, 0x00]);
    this.funcs.forEach(({ exportName }, i) => { if (exportName !== undefined) exports.push([...name(exportName), 0x00, ...uleb(i)]); });
    section(7, vec(exports));
    section(10, vec(this.funcs.map(({ f }) => {
      const body = [...encodeLocals(f), ...encodeBody(f, funcIndex), 0x0b];
      return [...uleb(body.length), ...body];
    })));
    if (options.data === false || this.segments.length === 0) return new Uint8Array(out);
    const data = this.dataSection();
    const bytes = new Uint8Array(out.length + data.length);
    bytes.set(out);
    bytes.set(data, out.length);
    return bytes;
  }

  toWat(): string {
    const types = this.types();
    const lines: string[] = ['(module'];
    types.forEach((t, i) => lines.push(`  (type $t${i} (func${sig(t.params, t.results)}))`));
    if (this.memorySpec) lines.push(`  (memory (export ${JSON.stringify(this.memorySpec.exportName)}) ${this.memorySpec.pages} ${this.memorySpec.pages})`);
    for (const { f, exportName } of this.funcs) {
      const t = types.findIndex((x) => x.key === sigKey(f));
      const params = f.params.map(([n, ty]) => ` (param $${n} ${ty})`).join('');
      const results = f.results.length ? ` (result ${f.results.join(' ')})` : '';
      const exp = exportName !== undefined ? ` (export ${JSON.stringify(exportName)})` : '';
      lines.push(`  (func $${f.name}${exp} (type $t${t})${params}${results}`);
      if (f.locals.length) lines.push(`    ${f.locals.map((l) => `(local $${l.name} ${l.type})`).join(' ')}`);
      let depth = 2;
      for (const ins of f.body) {
        if (ins.op === 'end' || ins.op === 'else') depth--;
        lines.push(`${'  '.repeat(depth)}${printInstr(ins)}`);
        if (ins.op === 'block' || ins.op === 'loop' || ins.op === 'if' || ins.op === 'else') depth++;
      }
      lines[lines.length - 1] += ')';
      if (f.body.length === 0) lines.push('  )');
    }
    // The data's bytes would be most of the text: each segment is summarised in a comment.
    for (const d of this.segments) lines.push(`  ;; (data (i32.const ${d.offset}) ...): ${d.bytes.length} bytes${d.note ? `, ${d.note}` : ''}`);
    lines.push(')');
    return lines.join('\n') + '\n';
  }
}

const sig = (params: ValType[], results: ValType[]) =>
  (params.length ? ` (param ${params.join(' ')})` : '') + (results.length ? ` (result ${results.join(' ')})` : '');
const sigKey = (f: Func) => `${f.params.map(([, t]) => t).join(',')}->${f.results.join(',')}`;

function encodeLocals(f: Func): number[] {
  // Consecutive locals of one type share an entry, as wabt writes them.
  const runs: [number, ValType][] = [];
  for (const l of f.locals) {
    const last = runs[runs.length - 1];
    if (last && last[1] === l.type) last[0]++;
    else runs.push([1, l.type]);
  }
  return [...uleb(runs.length), ...runs.flatMap(([n, t]) => [...uleb(n), valCode[t]])];
}

function localIndex(f: Func, name: Arg): number {
  const p = f.params.findIndex(([n]) => n === name);
  if (p >= 0) return p;
  const l = f.locals.findIndex((x) => x.name === name);
  if (l >= 0) return f.params.length + l;
  throw new Error(`wasm: ${f.name} has no local ${String(name)}`);
}

function num(ins: Instr, i: number): number {
  const v = ins.args[i];
  if (typeof v !== 'number') throw new Error(`wasm: ${ins.op}: argument ${i} must be a number, got ${String(v)}`);
  return v;
}

function encodeBody(f: Func, funcIndex: Map<string, number>): number[] {
  const out: number[] = [];
  const labels: (string | undefined)[] = [];
  for (const ins of f.body) {
    const info = ops.get(ins.op)!;
    out.push(...info.code);
    switch (info.imm) {
      case 'none': break;
      case 'mem': out.push(...uleb(info.align!), ...uleb(num(ins, 0))); break;
      case 'memlane': out.push(...uleb(info.align!), ...uleb(num(ins, 0)), num(ins, 1)); break;
      case 'lane': out.push(num(ins, 0)); break;
      case 'i32': out.push(...sleb(num(ins, 0))); break;
      case 'f32': out.push(...f32Bytes(num(ins, 0))); break;
      case 'f64': out.push(...f64Bytes(num(ins, 0))); break;
      case 'v128': {
        const [shape, ...v] = ins.args;
        if (v.length !== 4) throw new Error(`wasm: v128.const needs a shape and 4 lanes`);
        out.push(...v.flatMap((x) => (shape === 'f32x4' ? f32Bytes(Number(x)) : i32Bytes(Number(x)))));
        break;
      }
      case 'local': out.push(...uleb(localIndex(f, ins.args[0]))); break;
      case 'label': {
        const depth = labels.length - 1 - labels.lastIndexOf(String(ins.args[0]));
        if (depth >= labels.length) throw new Error(`wasm: ${f.name}: ${ins.op} to unknown label ${String(ins.args[0])}`);
        out.push(...uleb(depth));
        break;
      }
      case 'func': {
        const i = funcIndex.get(String(ins.args[0]));
        if (i === undefined) throw new Error(`wasm: ${f.name} calls unknown function ${String(ins.args[0])}`);
        out.push(...uleb(i));
        break;
      }
      case 'block': {
        const result = ins.args[1] as ValType | undefined;
        out.push(result ? valCode[result] : 0x40);
        labels.push(ins.args[0] === undefined ? undefined : String(ins.args[0]));
        break;
      }
      case 'shuffle': {
        if (ins.args.length !== 16 || ins.args.some((l) => typeof l !== 'number' || !Number.isInteger(l) || l < 0 || l > 31)) throw new Error('wasm: i8x16.shuffle needs 16 lane indices 0-31');
        out.push(...(ins.args as number[]));
        break;
      }
      case 'zero1': out.push(0x00); break;
      case 'zero2': out.push(0x00, 0x00); break;
    }
    if (ins.op === 'end') labels.pop();
  }
  return out;
}

function printInstr(ins: Instr): string {
  const info = ops.get(ins.op)!;
  const a = ins.args;
  switch (info.imm) {
    case 'none': case 'zero1': case 'zero2': return ins.op;
    case 'shuffle': return `${ins.op} ${a.join(' ')}`;
    case 'mem': return a[0] ? `${ins.op} offset=${a[0]}` : ins.op;
    case 'memlane': return `${ins.op}${a[0] ? ` offset=${a[0]}` : ''} ${a[1]}`;
    case 'lane': return `${ins.op} ${a[0]}`;
    case 'i32': return `${ins.op} ${(a[0] as number) | 0}`;
    case 'f32': return `${ins.op} ${floatText(Math.fround(a[0] as number))}`;
    case 'f64': return `${ins.op} ${floatText(a[0] as number)}`;
    case 'v128': return `${ins.op} ${a[0]} ${a.slice(1).map((x) => (a[0] === 'f32x4' ? floatText(Math.fround(Number(x))) : String(Number(x) | 0))).join(' ')}`;
    case 'local': case 'func': return `${ins.op} $${a[0]}`;
    case 'label': return `${ins.op} $${a[0]}`;
    case 'block': return `${ins.op}${a[0] !== undefined ? ` $${a[0]}` : ''}${a[1] ? ` (result ${a[1]})` : ''}`;
  }
  throw new Error(`wasm: cannot print ${ins.op}`);
}
