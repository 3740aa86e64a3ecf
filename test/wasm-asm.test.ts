// The WebAssembly assembler (src/wasm/asm.ts) against an independent one: the WAT text it
// prints, assembled by wabt, must give exactly the bytes it encodes itself; and the
// bytes must validate and compute what a hand-worked case says.
import { describe, expect, it } from 'vitest';
import wabtInit from 'wabt';
import { Func, Module, knownOps, sleb, uleb } from '../src/wasm/asm.js';

async function wabtBytes(wat: string, validate = true): Promise<Uint8Array> {
  const wabt = await wabtInit();
  const mod = wabt.parseWat('t.wat', wat, { simd: true, relaxed_simd: true, bulk_memory: true });
  if (validate) mod.validate();
  const { buffer } = mod.toBinary({});
  mod.destroy();
  return buffer;
}

/** One function that uses every instruction the assembler knows, with awkward immediates. */
function everything(): Module {
  const f = new Func('all', [['p', 'i32'], ['q', 'f32']], ['f32']);
  const v = f.local('v', 'v128');
  const x = f.local('x', 'f64');
  f.local('i', 'i32');
  f.op('block', 'outer').op('loop', 'inner');
  for (const op of knownOps) {
    // Stack shapes don't matter for the encoding comparison, but the module must validate
    // for WebAssembly.validate; so this function only checks the encoding, and `valid`
    // below checks a well-typed program separately.
    switch (op) {
      case 'block': case 'loop': case 'if': case 'end': case 'else': case 'br': case 'br_if': case 'call': break;
      case 'local.get': case 'local.set': case 'local.tee': f.op(op, 'i'); break;
      case 'i32.const': f.op(op, -2147483648).op(op, 4294967295).op(op, 63).op(op, 64).op(op, -65); break;
      case 'f32.const': f.op(op, 0.1).op(op, -0).op(op, Infinity).op(op, 3.4e38).op(op, 1e-45); break;
      case 'f64.const': f.op(op, 0.1).op(op, -Infinity).op(op, 5e-324); break;
      case 'v128.const': f.op(op, 'f32x4', 0, -0, 1.5, 1e-3).op(op, 'i32x4', -1, 0, 2147483647, -2147483648); break;
      case 'i8x16.shuffle': f.op(op, 0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 31, 30, 29, 28); break;
      default: {
        if (op.endsWith('_lane') && op.startsWith('v128')) f.op(op, 12, 3);
        else if (op.endsWith('_lane')) f.op(op, 2);
        else if (/load|store/.test(op) && !op.startsWith('memory')) f.op(op, 0).op(op, 200000);
        else f.op(op);
      }
    }
  }
  f.op('br', 'inner').op('br_if', 'outer').op('if').op('nop').op('else').op('nop').end().op('call', 'all').end().end();
  void v; void x;
  return new Module().memory(3, 'mem').add(f, 'all');
}

describe('wasm assembler', () => {
  it('encodes LEB128 as the spec examples say', () => {
    expect(uleb(0)).toEqual([0]);
    expect(uleb(624485)).toEqual([0xe5, 0x8e, 0x26]);
    expect(sleb(-123456)).toEqual([0xc0, 0xbb, 0x78]);
    expect(sleb(-1)).toEqual([0x7f]);
    expect(sleb(64)).toEqual([0xc0, 0x00]);
    expect(sleb(0xffffffff)).toEqual([0x7f]);
  });

  it('prints text that wabt assembles to exactly its own bytes, for every instruction', async () => {
    const m = everything();
    expect(Buffer.from(await wabtBytes(m.toWat(), false)).toString('hex')).toBe(Buffer.from(m.toBytes()).toString('hex'));
  });

  it('builds a valid module that computes a hand-worked result', async () => {
    // sum over i < n of max(0, mem[i] * a), four lanes at a time, then a horizontal sum.
    const f = new Func('relusum', [['n', 'i32'], ['a', 'f32']], ['f32']);
    f.local('i', 'i32'); f.local('acc', 'v128');
    f.op('v128.const', 'f32x4', 0, 0, 0, 0).set('acc');
    f.op('block', 'done').op('loop', 'L')
      .get('i').get('n').op('i32.ge_u').op('br_if', 'done')
      .get('acc').get('i').op('v128.load', 0).get('a').op('f32x4.splat').op('f32x4.mul')
      .op('v128.const', 'f32x4', 0, 0, 0, 0).op('f32x4.pmax').op('f32x4.add').set('acc')
      .get('i').i32(16).op('i32.add').set('i')
      .op('br', 'L').end().end();
    f.get('acc').op('f32x4.extract_lane', 0).get('acc').op('f32x4.extract_lane', 1).op('f32.add')
      .get('acc').op('f32x4.extract_lane', 2).get('acc').op('f32x4.extract_lane', 3).op('f32.add').op('f32.add');
    const m = new Module().memory(1).add(f, 'relusum');
    const bytes = m.toBytes();
    expect(WebAssembly.validate(bytes)).toBe(true);
    expect(Buffer.from(await wabtBytes(m.toWat())).equals(Buffer.from(bytes))).toBe(true);
    const inst = new WebAssembly.Instance(new WebAssembly.Module(bytes));
    const mem = new Float32Array((inst.exports.memory as WebAssembly.Memory).buffer);
    mem.set([1, -2, 3, -4, 5, 6, -7, 8]);
    // a = -1: max(0, -x) over x = 1,-2,3,-4,5,6,-7,8 → 2 + 4 + 7 = 13
    expect((inst.exports.relusum as (n: number, a: number) => number)(32, -1)).toBe(13);
  });

  it('refuses what it cannot encode, naming it', () => {
    expect(() => new Func('f').op('f32x4.fma')).toThrow(/unknown instruction f32x4.fma/);
    expect(() => new Func('f').end()).toThrow(/unbalanced end/);
    expect(() => new Module().add(new Func('f').op('block', 'b'))).toThrow(/unclosed/);
    expect(() => new Module().add(new Func('f').op('br', 'nowhere')).toBytes()).toThrow(/unknown label nowhere/);
    expect(() => new Func('f', [['a', 'i32']]).local('a', 'f32')).toThrow(/is i32, not f32/);
    expect(() => new Func('bad name')).toThrow(/bad function name/);
  });
});
