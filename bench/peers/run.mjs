#!/usr/bin/env node
// `npm run bench` ends here: runs `cnnc bench --json` and every peer engine on each network,
// each in a process of its own and one after the other (so they never compete for the
// cores), measures the scalar-JS and WebAssembly SIMD rooflines, and writes bench/RESULTS.md.
//   node run.mjs [--quick] [--max-time MS] [--out FILE] [--models a.cnn,b.cnn] [--engines e1,e2]
import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { load, loadNetwork, repoRoot } from './lib/cnnc.mjs';
import { engines } from './lib/jobs.mjs';
import { renderResults } from './lib/results.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const opt = (name, fallback) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : fallback; };
const quick = args.includes('--quick');
const maxTime = Number(opt('--max-time', quick ? 100 : 1000));
const out = opt('--out', join(repoRoot, 'bench/RESULTS.md'));
const models = opt('--models', 'examples/lenet.cnn,bench/lenet-nobn.cnn,examples/vgg.cnn').split(',');
const engineList = opt('--engines', 'cnnc-wasm,cnnc-js,tfjs-cpu,tfjs-wasm,ort-1,ort-2,convnetjs').split(',');
for (const e of engineList) if (!(e in engines)) { console.error(`unknown engine ${e} (known: ${Object.keys(engines).join(', ')})`); process.exit(2); }

const { machineInfo } = await load('bench/machine.js');
const { writeFileAtomic } = await load('util/atomic-write.js');

/** Runs node with args; resolves with its stdout (stderr passes through as progress). */
function node(argv, cwd = here) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, argv, { cwd, stdio: ['ignore', 'pipe', 'inherit'] });
    let text = '';
    child.stdout.on('data', (d) => { text += d; });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(text) : reject(new Error(`node ${argv.join(' ')} exited with ${code}`))));
  });
}

const started = Date.now();
const machine = machineInfo();
const log = (s) => process.stderr.write(`${s}\n`);
log(`bench: ${machine.cpu}, ${machine.cores} cores, load ${machine.load.join(' ')}`);

// The roofline is measured at the start and at the end (the load may differ); the better counts.
const measureRoofline = async () => {
  log('bench: scalar-JS and WebAssembly SIMD rooflines');
  return JSON.parse(await node(['--input-type=module', '-e',
    `import { measureRoofline, measureWasmRoofline } from ${JSON.stringify(join(repoRoot, 'dist/src/bench/roofline.js'))}; `
    + `console.log(JSON.stringify({ scalar: measureRoofline(${quick ? 50 : 500}), wasm: measureWasmRoofline(${quick ? 50 : 500}) }));`]));
};
const rooflineStart = await measureRoofline();

const cli = join(repoRoot, 'dist/src/cli/bin.js');
const networks = [];
for (const model of models) {
  const file = join(repoRoot, model);
  const net = loadNetwork(file);
  const entry = { file: model, network: net.name, batch: net.batch, bench: null, peers: [] };
  networks.push(entry);
  log(`bench: cnnc bench ${model}`);
  try {
    entry.bench = JSON.parse(await node([cli, 'bench', file, '--json', ...(quick ? ['--quick'] : [])], repoRoot));
  } catch (e) {
    entry.benchError = String(e.message ?? e);
    log(`bench: ${entry.benchError}`);
  }
  for (const engine of engineList) {
    log(`bench: ${engine} on ${net.name}`);
    try {
      const text = await node(['engine.mjs', engine, file, '--max-time', String(maxTime)]);
      for (const line of text.split('\n').filter(Boolean)) {
        const row = JSON.parse(line);
        entry.peers.push(row);
        log(`  ${row.task} batch ${row.batch}: ${row.status}${row.imagesPerSec ? `, ${row.imagesPerSec.toFixed(1)} images/s` : ''}${row.status !== 'ok' ? ` (${String(row.check).split('\n')[0]})` : ''}`);
      }
    } catch (e) {
      entry.peers.push({ engine, network: net.name, task: 'infer', batch: net.batch, status: 'error', check: String(e.message ?? e) });
    }
  }
}

const rooflineEnd = await measureRoofline();
const roofline = rooflineEnd.scalar.best.gflops > rooflineStart.scalar.best.gflops ? rooflineEnd.scalar : rooflineStart.scalar;
roofline.runs = [rooflineStart.scalar.best.gflops, rooflineEnd.scalar.best.gflops];
const wasmRoofline = rooflineEnd.wasm.simd.gflops > rooflineStart.wasm.simd.gflops ? rooflineEnd.wasm : rooflineStart.wasm;
wasmRoofline.runs = [rooflineStart.wasm.simd.gflops, rooflineEnd.wasm.simd.gflops];

const results = {
  date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
  machine,
  loadAtEnd: loadavg().map((v) => Math.round(v * 100) / 100),
  commands: [
    'npm ci && npm run build',
    'ONNXRUNTIME_NODE_INSTALL=skip npm ci --prefix bench/peers   # the peers, their own package',
    `npm run bench${quick ? ' -- --quick' : ''}   # = node bench/peers/run.mjs: per network, these:`,
    ...models.map((m) => `node dist/src/cli/bin.js bench ${m} --json${quick ? ' --quick' : ''}`),
    `node bench/peers/engine.mjs ENGINE MODEL.cnn --max-time ${maxTime}   # ENGINE: ${engineList.join(', ')}`,
  ],
  quick,
  roofline,
  wasmRoofline,
  networks,
  seconds: (Date.now() - started) / 1000,
};
writeFileAtomic(out, renderResults(results));
writeFileAtomic(out.replace(/\.md$/, '.json'), `${JSON.stringify(results, null, 1)}\n`);
log(`bench: wrote ${relative(process.cwd(), out)} in ${Math.round(results.seconds)} s`);
