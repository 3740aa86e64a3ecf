// The emitter: checked network → module plan → kernels → <net>.ts / .js / .d.ts / .test.ts.
// The small public surface (metadata, Model, createModel) is built with ts-morph structures;
// kernels are text from their emitters. The .js comes from TypeScript's transpileModule,
// which never runs the type checker (ts-morph's own emit does, and is quadratic on long
// generated functions). Output is deterministic: no timestamps, no absolute paths.
import { basename } from 'node:path';
import { IndentationText, Project, ts } from 'ts-morph';
import type { CheckedModel, CheckedNetwork } from '../model/checked.js';
import { planModule, type Dtype, type ModulePlan } from '../lower/index.js';
import { emitLayerKernels } from './kernels/index.js';
import type { KernelSource } from './kernels/types.js';
import { assertUnique, fileStem, str } from './names.js';
import { surfaceStructures } from './surface.js';
import { render, templateText } from './templates.js';
import { renderTest } from './test-file.js';

export interface CompileOptions {
  dtype?: Dtype;
  /** Conv schedule (see EmitContext); default `padded`. */
  convSchedule?: 'padded' | 'split';
  /** The model file as given (only its base name goes into the output). */
  source?: string;
}

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
  plan: ModulePlan;
  kernels: KernelInfo[];
}

const arrayTypes: Record<Dtype, string> = { f32: 'Float32Array', f64: 'Float64Array' };

function headerRows(plan: ModulePlan): string[] {
  const table = [
    ['layer', 'op', 'input', 'output', 'attributes'],
    ...plan.layers.map((l) => [l.name, l.op, l.input.join('x'), l.output.join('x'), l.attributes]),
  ];
  const widths = table[0].map((_, c) => Math.max(...table.map((r) => r[c].length)));
  return table.map((r) => r.map((cell, c) => cell.padEnd(widths[c])).join('  ').trimEnd());
}

/** Prints ts-morph structures to text (printing only: no type checking). */
function printStructures(plan: ModulePlan, ambient: boolean): string {
  const project = new Project({
    useInMemoryFileSystem: true,
    compilerOptions: { target: ts.ScriptTarget.ES2022 },
    manipulationSettings: { indentationText: IndentationText.TwoSpaces },
  });
  const file = project.createSourceFile(ambient ? 'surface.d.ts' : 'surface.ts', { statements: surfaceStructures(plan, ambient) });
  return file.getFullText();
}

function checkKernels(plan: ModulePlan, kernels: KernelSource[][]): void {
  plan.layers.forEach((l, i) => {
    for (const [role, name] of Object.entries(l.kernels)) {
      if (!kernels[i].some((k) => k.role === role && k.name === name)) {
        throw new Error(`cnnc: the ${l.op} emitter gave no ${role} kernel named ${name} for layer ${l.name}`);
      }
    }
  });
  const all = kernels.flat().map((k) => k.name);
  assertUnique([...all, 'meta', 'Model', 'createModel', 'LayerMeta', 'ModelMeta', 'F'], 'exported declarations');
}

function declaration(k: KernelSource): string {
  return `export declare function ${k.name}(${k.params.map((p) => `${p.name}: ${p.type}`).join(', ')}): ${k.returns ?? 'void'};`;
}

export function compileNetwork(net: CheckedNetwork, options: CompileOptions = {}): CompiledNetwork {
  const dtype = options.dtype ?? 'f32';
  const stem = fileStem(net.name);
  // The model file's base name goes into `//` comments: keep it to harmless characters, so
  // that no file name can end a comment and inject code.
  const source = options.source ? basename(options.source).replace(/[^\w.+@-]/g, '_') : `${stem}.cnn`;
  const plan = planModule(net, dtype);
  const ctx = { dtype, batch: net.batch, convSchedule: options.convSchedule ?? 'padded' };
  const kernels = net.layers.map((l) => emitLayerKernels(l, ctx));
  checkKernels(plan, kernels);
  const flat = kernels.flat();
  const arrayType = arrayTypes[dtype];
  const header = render('header', {
    network: net.name, source, f64: dtype === 'f64', dtype, arrayType, batch: net.batch,
    input: plan.input.join('x'), output: plan.output.join('x'),
    params: net.totals.params, macs: net.totals.macs, rows: headerRows(plan),
  }).trimEnd();
  const tsText = render('module', {
    header, arrayType, networkLiteral: str(net.name), prelude: templateText('prelude'),
    surface: printStructures(plan, false), kernels: flat,
  });
  const js = ts.transpileModule(tsText, {
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, removeComments: false },
    reportDiagnostics: false,
  }).outputText;
  const dts = render('dts', {
    header, arrayType, surface: printStructures(plan, true),
    kernels: flat.map((k) => ({ schedule: k.schedule, declaration: declaration(k) })),
  });
  return {
    name: net.name, stem, ts: tsText, js, dts,
    test: renderTest(net, plan, flat, source),
    plan,
    kernels: kernels.flatMap((ks, i) => ks.map((k) => ({
      name: k.name, layer: net.layers[i].name, role: k.role, schedule: k.schedule, macs: k.macs, chars: k.code.length,
    }))),
  };
}

export function compileModel(model: CheckedModel, options: Omit<CompileOptions, 'source'> = {}): CompiledNetwork[] {
  const out = model.networks.map((net) => compileNetwork(net, { ...options, source: model.file }));
  assertUnique(out.map((c) => c.stem), 'networks');
  return out;
}
