// The emitter: NetworkPlan (src/lower/plan.ts) → <net>.ts / .js / .d.ts / .test.ts.
// `emitNetwork` only prints the plan; `compileNetwork` is planNetwork then emitNetwork.
// The small public surface (metadata, Model, createModel) is built with ts-morph structures;
// kernels are text from their op's printer (src/emit/ops.ts). The .js comes from
// TypeScript's transpileModule, which never runs the type checker (ts-morph's own emit
// does, and is quadratic on long generated functions). Output is deterministic: no
// timestamps, no absolute paths.
import { tsMorph } from './morph.js';
import type { CheckedModel, CheckedNetwork } from '../model/checked.js';
import { planNetwork } from '../lower/index.js';
import type { Dtype, NetworkPlan, PlanOptions } from '../lower/types.js';
import type { KernelSource } from './kernels/types.js';
import { assertUnique, fileStem, str } from './names.js';
import { printKernel } from './ops.js';
import { inferenceStructures, jsInferenceRuntime, prunePrelude } from './inference.js';
import { surfaceStructures } from './surface.js';
import { render, templateText } from './templates.js';
import { renderTest } from './test-file.js';
import { wasmParts } from './wasm-target.js';

/** dtype, conv schedule and model file name: the options of the planning. */
export type CompileOptions = PlanOptions;

export interface KernelInfo {
  name: string;
  layer: string;
  role: string;
  schedule: string;
  macs: number;
  /** Characters of the kernel's source text. */
  chars: number;
}

export interface CompiledNetwork {
  name: string;
  /** File name stem: `<stem>.ts`, `.js`, `.d.ts`, `.test.ts`. */
  stem: string;
  ts: string;
  js: string;
  dts: string;
  test: string;
  /** The plan the files were printed from (`cnnc build --dump plan` prints it). */
  plan: NetworkPlan;
  /** WebAssembly target: the kernels' module as WAT text (plain SIMD variant); null for JS. */
  wat: (() => string) | null;
  /** The same module as CommonJS (`cnnc build --module cjs`), for packages that are not ES modules. */
  cjs: () => string;
  kernels: KernelInfo[];
}

const arrayTypes: Record<Dtype, string> = { f32: 'Float32Array', f64: 'Float64Array' };

function headerRows(plan: NetworkPlan): string[] {
  const table = [
    ['layer', 'op', 'input', 'output', 'attributes'],
    ...plan.layers.map((l) => [l.name, l.op, l.input.join('x'), l.output.join('x'), l.attributes]),
  ];
  const widths = table[0].map((_, c) => Math.max(...table.map((r) => r[c].length)));
  return table.map((r) => r.map((cell, c) => cell.padEnd(widths[c])).join('  ').trimEnd());
}

/** Prints ts-morph structures to text (printing only: no type checking). */
function printStructures(plan: NetworkPlan, ambient: boolean): string {
  const { Project, IndentationText, ts } = tsMorph();
  const project = new Project({
    useInMemoryFileSystem: true,
    compilerOptions: { target: ts.ScriptTarget.ES2022 },
    manipulationSettings: { indentationText: IndentationText.TwoSpaces },
  });
  const statements = plan.inference ? inferenceStructures(plan, ambient) : surfaceStructures(plan, ambient);
  const file = project.createSourceFile(ambient ? 'surface.d.ts' : 'surface.ts', { statements });
  return file.getFullText();
}

function declaration(k: KernelSource): string {
  return `export declare function ${k.name}(${k.params.map((p) => `${p.name}: ${p.type}`).join(', ')}): ${k.returns ?? 'void'};`;
}

/** Prints every file of one network from its plan, and nothing but the plan. */
export function emitNetwork(plan: NetworkPlan): CompiledNetwork {
  const stem = fileStem(plan.network);
  const wasm = plan.target === 'wasm' ? wasmParts(plan) : null;
  const flat = wasm ? wasm.kernels : plan.kernels.map((k) => printKernel(k, plan.dtype));
  assertUnique([...flat.map((k) => k.name), 'meta', 'Model', 'createModel', 'createModelAsync', 'LayerMeta', 'ModelMeta', 'F'], 'exported declarations');
  const arrayType = arrayTypes[plan.dtype];
  const header = render('header', {
    network: plan.network, source: plan.source, f64: plan.dtype === 'f64', dtype: plan.dtype, arrayType, batch: plan.batch,
    input: plan.input.join('x'), output: plan.output.join('x'),
    params: plan.totals.params, macs: plan.totals.macs, rows: headerRows(plan),
    inference: plan.inference === true,
    inferenceFlags: plan.weights ? ` --inference${plan.weights.file === null ? '' : ` --weights ${plan.weights.file}`}` : '',
    weightsFrom: plan.weights ? plan.weights.file ?? 'the seeded initialisation (seed 0)' : '',
  }).trimEnd();
  const runtime = wasm?.runtime ?? (plan.inference ? jsInferenceRuntime(plan) : templateText('js-runtime'));
  const surface = printStructures(plan, false);
  // Inference modules carry only the prelude helpers they call.
  const prelude = plan.inference ? prunePrelude(templateText('prelude'), [runtime, surface, ...flat.map((k) => k.code)].join('\n')) : templateText('prelude');
  const tsText = render('module', {
    header, arrayType, networkLiteral: str(plan.network), prelude,
    runtime, wasm: wasm !== null,
    surface, kernels: flat,
  });
  const { ts } = tsMorph();
  const js = ts.transpileModule(tsText, {
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, removeComments: false },
    reportDiagnostics: false,
  }).outputText;
  const dts = render('dts', {
    header, arrayType, surface: printStructures(plan, true),
    kernels: flat.map((k) => ({ schedule: k.schedule, declaration: declaration(k) })),
  });
  return {
    name: plan.network, stem, ts: tsText, js, dts,
    // A shard build is a piece of a data-parallel run; its tests are the workers' (test/workers-*.test.ts).
    test: plan.shard ? '' : plan.inference ? '' : renderTest(plan), // inference modules: their tests are test/inference-*.test.ts
    plan,
    wat: wasm && wasm.plain.wat,
    cjs: () => ts.transpileModule(tsText, {
      compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, removeComments: false },
      reportDiagnostics: false,
    }).outputText,
    kernels: flat.map((k, i) => ({
      name: k.name, layer: plan.layers[plan.kernels[i].layer].name, role: k.role, schedule: k.schedule, macs: k.macs, chars: k.code.length,
    })),
  };
}

/** Plans one network (src/lower/) and prints it. */
export function compileNetwork(net: CheckedNetwork, options: CompileOptions = {}): CompiledNetwork {
  return emitNetwork(planNetwork(net, options));
}

export function compileModel(model: CheckedModel, options: Omit<CompileOptions, 'source'> = {}): CompiledNetwork[] {
  const out = model.networks.map((net) => compileNetwork(net, { ...options, source: model.file }));
  assertUnique(out.map((c) => c.stem), 'networks');
  return out;
}
