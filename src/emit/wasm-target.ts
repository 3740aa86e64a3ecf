// The WebAssembly target's share of a generated module: the kernels as one WebAssembly
// module (src/wasm/module.ts, in a plain-SIMD and a relaxed-SIMD variant), carried as
// base64 beside the runtime that compiles and instantiates it (templates/wasm-runtime.hbs),
// and the exported `<layer>_<role>` functions as thin wrappers with the JS target's
// signatures. The Model's buffers are views of an instance's memory at the plan's offsets.
import type { NetworkPlan } from '../lower/types.js';
import { buildWasmModule, relaxedProbe, simdProbe, type WasmModule } from '../wasm/module.js';
import type { KernelSource } from './kernels/types.js';
import { str } from './names.js';
import { templateText } from './templates.js';

export interface WasmParts {
  plain: WasmModule;
  relaxed: WasmModule;
  /** The runtime with both variants' bytes (base64) filled in. */
  runtime: string;
  /** The exported kernels: wrappers calling into a standalone instance. */
  kernels: KernelSource[];
}

const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

/** Fills `{{name}}` slots of a fixed template (plain replacement: the values are code). */
function fill(text: string, values: Record<string, string>): string {
  return text.replace(/\{\{(\w+)\}\}/g, (_m, k: string) => {
    if (!(k in values)) throw new Error(`cnnc: no value for {{${k}}} in the wasm runtime template`);
    return values[k];
  });
}

export function wasmParts(plan: NetworkPlan): WasmParts {
  const plain = buildWasmModule(plan, false);
  const relaxed = buildWasmModule(plan, true);
  const arrayType = 'Float32Array';
  // Inference plans: the weights are the modules' data section, carried once and appended
  // to either variant's code (whose base64 has no padding: src/wasm/module.ts, `split`).
  const data = plain.split && relaxed.split ? base64(plain.split.data) : null;
  if (data !== null && base64(relaxed.split!.data) !== data) throw new Error('cnnc: the wasm variants differ in their data');
  const runtime = fill(templateText('wasm-runtime'), {
    simdProbe: Array.from(simdProbe()).join(', '),
    relaxedProbe: Array.from(relaxedProbe()).join(', '),
    weights: data === null ? '' : `\n// The weights (${plain.split!.data.length} bytes): the data section that completes either module below.\nconst $WASM_DATA = '${data}';`,
    plain: base64(plain.split?.code ?? plain.bytes),
    relaxed: base64(relaxed.split?.code ?? relaxed.bytes),
    withWeights: data === null ? '' : ' + $WASM_DATA',
    arrayType,
  });
  const kernels = plan.kernels.map((k, i): KernelSource => {
    const info = plain.kernels[i];
    if (info.name !== k.name) throw new Error(`cnnc: wasm kernel ${info.name} where the plan has ${k.name}`);
    const params = k.params.map((p) => `${p.name}: ${p.type}`).join(', ');
    const args = info.args.map((a) => `[${a.name}, ${a.offset}, ${a.elements}, ${str(a.name)}, ${str(a.type)}]`).join(', ');
    const extra = k.params.filter((p) => p.type === 'boolean').map((p) => `${p.name} ? 1 : 0`).join(', ');
    const call = `$kernel(${str(k.name)}, [${args}], [${extra}])`;
    const code = [
      `export function ${k.name}(${params}): ${k.returns} {`,
      k.returns === 'void' ? `  ${call};` : `  return ${call};`,
      '}',
    ].join('\n');
    return { role: k.role, name: k.name, params: k.params, returns: k.returns, code, schedule: `WebAssembly: ${info.schedule}`, macs: k.macs };
  });
  return { plain, relaxed, runtime, kernels };
}
