// bench/RESULTS.md from one run of the peers harness (run.mjs): the machine, the commands,
// the targets of the issue marked met or not met, cnnc against each peer as ratios measured
// in the same run, generated against interpreted per layer, and where the time goes.
//
// The run's results (also written as bench/RESULTS.json):
//   { date, machine: { cpu, cores, node, platform, load }, loadAtEnd, commands, quick,
//     roofline: { best: { name, gflops }, variants, runs? }, seconds,
//     networks: [{ file, network, batch, bench: `cnnc bench --json` report | null, benchError?,
//                  peers: [{ engine, network, task: 'infer'|'train', batch,
//                            status: 'ok'|'wrong'|'n/a'|'error', check?, ms?, imagesPerSec?, firstMs? }] }] }

export const engineLabels = {
  'cnnc-generated': 'cnnc generated (f32)',
  'cnnc-interpreter': 'cnnc interpreter (f64)',
  'tfjs-cpu': 'TF.js 4.22 CPU backend (pure JS)',
  'tfjs-wasm': 'TF.js 4.22 WASM backend, SIMD, 1 thread',
  'ort-1': 'ONNX Runtime 1.30 (Node, CPU), 1 thread',
  'ort-2': 'ONNX Runtime 1.30 (Node, CPU), 2 threads',
  convnetjs: 'ConvNetJS 0.3 (float64, one sample at a time)',
};
const fmt = (v, digits = 0) => (v === undefined || !Number.isFinite(v) ? '–' : v >= 100 ? v.toFixed(0) : v.toFixed(Math.max(digits, v >= 10 ? 1 : 2)));
const ratio = (v) => (v === undefined || !Number.isFinite(v) ? '–' : `${v >= 10 ? v.toFixed(0) : v >= 0.1 ? v.toFixed(2) : v.toPrecision(2)}×`);
function peer(n, engine, task, batch) {
  return n.peers.find((r) => r.engine === engine && r.task === task && r.batch === batch);
}

function rate(n, engine, task, batch) {
  const r = peer(n, engine, task, batch);
  return r?.status === 'ok' ? r.imagesPerSec : undefined;
}

function cell(n, engine, task, batch) {
  const r = peer(n, engine, task, batch);
  if (!r) return '–';
  if (r.status === 'ok')
    return fmt(r.imagesPerSec);
  return r.status === 'n/a' ? 'n/a' : `**${r.status}**`;
}

function benchRow(n, scope, op) {
  return n.bench?.rows.find((r) => r.scope === scope && r.op === op);
}

function peersTable(n) {
  const engines = [...new Set(n.peers.map((r) => r.engine))];
  const B = n.batch;
  const gen = (task, b) => rate(n, 'cnnc-generated', task, b);
  const lines = [
    `| engine | infer, batch 1 (images/s) | infer, batch ${B} (images/s) | train step, batch ${B} (images/s) | cnnc ÷ engine, infer b1 | infer b${B} | train b${B} |`,
    '|---|---:|---:|---:|---:|---:|---:|',
  ];
  for (const e of engines) {
    const rel = (task, b) => {
      const g = gen(task, b);
      const o = rate(n, e, task, b);
      return e === 'cnnc-generated' ? '1' : g && o ? ratio(g / o) : '–';
    };
    lines.push(`| ${engineLabels[e] ?? e} | ${cell(n, e, 'infer', 1)} | ${cell(n, e, 'infer', B)} | ${cell(n, e, 'train', B)} | ${rel('infer', 1)} | ${rel('infer', B)} | ${rel('train', B)} |`);
  }
  return lines;
}

function checksList(n) {
  return n.peers.map((r) => `- ${engineLabels[r.engine] ?? r.engine}, ${r.task} batch ${r.batch}: **${r.status}** — ${(r.check ?? '').split('\n')[0]}`);
}

function benchTable(n, roofline) {
  if (!n.bench) return [`(cnnc bench failed: ${n.benchError ?? 'no report'})`];
  const B = n.batch;
  const lines = [
    '| layer | op | generated ms | interpreted ms | speed-up | images/s (generated) | GFLOP/s (generated) | % of scalar-JS roofline |',
    '|---|---|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of n.bench.rows) {
    const g = r.gflops;
    lines.push(`| ${r.scope} | ${r.op} | ${fmt(r.generatedMs, 3)} | ${fmt(r.interpretedMs, 3)} | ${ratio(r.speedup)} | ${fmt((B * 1000) / r.generatedMs)} | ${g === null ? '–' : g.toFixed(2)} | ${g === null ? '–' : `${((100 * g) / roofline).toFixed(0)}%`} |`);
  }
  return lines;
}

/** Share of each layer in the generated inference pass and training step (sum of its kernels). */
function breakdown(n) {
  if (!n.bench) return [];
  const layers = [...new Set(n.bench.rows.filter((r) => r.scope !== 'network').map((r) => r.scope))];
  const sum = (scope, ops) => n.bench.rows.filter((r) => r.scope === scope && ops.includes(r.op)).reduce((a, r) => a + r.generatedMs, 0);
  const inferOps = ['forward'];
  const trainOps = ['path', 'backward', 'grad'];
  // Training runs each layer's path (pool) or forward, then backward and grad.
  const trainMs = (s) => {
    const hasPath = n.bench.rows.some((r) => r.scope === s && r.op === 'path');
    return sum(s, hasPath ? trainOps : ['forward', ...trainOps]);
  };
  const totalInfer = layers.reduce((a, s) => a + sum(s, inferOps), 0);
  const totalTrain = layers.reduce((a, s) => a + trainMs(s), 0);
  const lines = [
    '| layer | inference: ms (share) | training step: ms (share) |',
    '|---|---:|---:|',
  ];
  for (const s of layers) {
    const i = sum(s, inferOps);
    const t = trainMs(s);
    lines.push(`| ${s} | ${fmt(i, 3)} (${((100 * i) / totalInfer).toFixed(0)}%) | ${fmt(t, 3)} (${((100 * t) / totalTrain).toFixed(0)}%) |`);
  }
  lines.push(`| sum of kernels | ${fmt(totalInfer, 3)} | ${fmt(totalTrain, 3)} |`);
  const infer = benchRow(n, 'network', 'infer');
  const train = benchRow(n, 'network', 'train');
  if (infer && train) lines.push(`| whole network (measured) | ${fmt(infer.generatedMs, 3)} | ${fmt(train.generatedMs, 3)} |`);
  return lines;
}

function top(n, k) {
  if (!n.bench) return '';
  const rows = n.bench.rows.filter((r) => r.scope !== 'network');
  const total = rows.reduce((a, r) => a + r.generatedMs, 0);
  return [...rows].sort((a, b) => b.generatedMs - a.generatedMs).slice(0, k)
    .map((r) => `${r.scope} ${r.op} ${fmt(r.generatedMs, 3)} ms (${((100 * r.generatedMs) / total).toFixed(0)}%)`).join(', ');
}

function targets(results) {
  const lenet = results.networks.find((n) => n.network === 'lenet');
  const nobn = results.networks.find((n) => n.network === 'lenet_nobn');
  const out = [];
  for (const n of [lenet, nobn]) {
    if (!n) continue;
    const tr = benchRow(n, 'network', 'train');
    const inf = benchRow(n, 'network', 'infer');
    out.push({ text: `generated ≥ 10× interpreter, ${n.network} training step (batch ${n.batch})`, value: tr?.speedup, goal: 10, detail: tr ? `${fmt(tr.generatedMs, 2)} ms vs ${fmt(tr.interpretedMs, 2)} ms` : 'not measured' });
    out.push({ text: `generated ≥ 10× interpreter, ${n.network} inference (batch ${n.batch})`, value: inf?.speedup, goal: 10, detail: inf ? `${fmt(inf.generatedMs, 2)} ms vs ${fmt(inf.interpretedMs, 2)} ms` : 'not measured' });
  }
  for (const n of [nobn, lenet]) {
    if (!n) continue;
    const B = n.batch;
    const g = rate(n, 'cnnc-generated', 'infer', B);
    const t = rate(n, 'tfjs-cpu', 'infer', B);
    out.push({ text: `generated ≥ 7× TF.js CPU, ${n.network} inference batch ${B}`, value: g && t ? g / t : undefined, goal: 7, detail: `${fmt(g)} vs ${fmt(t)} images/s` });
    const gt = rate(n, 'cnnc-generated', 'train', B);
    const c = rate(n, 'convnetjs', 'train', B);
    if (c !== undefined || n === nobn) out.push({ text: `generated ≥ 5× ConvNetJS, ${n.network} training step batch ${B}`, value: gt && c ? gt / c : undefined, goal: 5, detail: `${fmt(gt)} vs ${fmt(c)} images/s` });
  }
  return out;
}

function aheadStatements(n) {
  const B = n.batch;
  const out = [];
  for (const b of [1, B]) {
    const g = rate(n, 'cnnc-generated', 'infer', b);
    for (const e of ['tfjs-wasm', 'ort-1', 'ort-2']) {
      const o = rate(n, e, 'infer', b);
      if (!g || !o) continue;
      out.push(o > g
        ? `- ${engineLabels[e]}, inference batch ${b}: **ahead of cnnc by ${ratio(o / g)}** (${fmt(o)} vs ${fmt(g)} images/s)`
        : `- ${engineLabels[e]}, inference batch ${b}: behind cnnc (cnnc ${ratio(g / o)} faster; ${fmt(g)} vs ${fmt(o)} images/s)`);
    }
  }
  return out;
}

/** One line per network: images/s of every engine, inference at the network's batch and training. */
function summaryTable(r) {
  const engines = [...new Set(r.networks.flatMap((n) => n.peers.map((p) => p.engine)))];
  // Training columns only for engines that can train at all.
  const trainers = engines.filter((e) => r.networks.some((n) => peer(n, e, 'train', n.batch)?.status === 'ok'));
  const lines = [
    `| network | ${engines.map((e) => `${e} infer`).join(' | ')} | ${trainers.map((e) => `${e} train`).join(' | ')} |`,
    `|---|${engines.map(() => '---:').join('|')}|${trainers.map(() => '---:').join('|')}|`,
  ];
  for (const n of r.networks) {
    lines.push(`| ${n.network} (batch ${n.batch}) | ${engines.map((e) => cell(n, e, 'infer', n.batch)).join(' | ')} | ${trainers.map((e) => cell(n, e, 'train', n.batch)).join(' | ')} |`);
  }
  return lines;
}

/** Where the generated training step spends its time: the conv kernels' share and their GFLOP/s. */
function shortfall(r, roofline) {
  const out = [];
  for (const n of r.networks) {
    if (!n.bench) continue;
    const convNames = new Set(n.bench.rows.filter((row) => row.gflops !== null && row.scope !== 'network').map((row) => row.scope));
    const kernels = n.bench.rows.filter((row) => row.scope !== 'network' && row.op !== 'infer' && !(row.op === 'forward' && n.bench.rows.some((x) => x.scope === row.scope && x.op === 'path')));
    const total = kernels.reduce((a, row) => a + row.generatedMs, 0);
    const heavy = kernels.filter((row) => convNames.has(row.scope));
    const share = heavy.reduce((a, row) => a + row.generatedMs, 0) / total;
    const g = heavy.map((row) => row.gflops).sort((a, b) => a - b);
    if (!g.length) continue;
    out.push(`- ${n.network}: conv and full kernels take ${(100 * share).toFixed(0)}% of the generated training step's kernel time and run at `
      + `${g[0].toFixed(2)}–${g[g.length - 1].toFixed(2)} GFLOP/s (${((100 * g[0]) / roofline).toFixed(0)}–${((100 * g[g.length - 1]) / roofline).toFixed(0)}% of the scalar-JS roofline); `
      + `the slowest: ${[...heavy].sort((a, b) => a.gflops - b.gflops).slice(0, 3).map((row) => `${row.scope} ${row.op} ${row.gflops.toFixed(2)} GFLOP/s`).join(', ')}.`);
  }
  return out;
}

/** The issue's figures (one idle core, LeNet without BN, batch 32) beside this run's. */
const issueBaselines = [
  { engine: 'tfjs-cpu', task: 'infer', imagesPerSec: 450 },
  { engine: 'tfjs-cpu', task: 'train', imagesPerSec: 12 },
  { engine: 'convnetjs', task: 'infer', imagesPerSec: 343 },
  { engine: 'convnetjs', task: 'train', imagesPerSec: 162 },
  { engine: 'tfjs-wasm', task: 'infer', imagesPerSec: 10_200 },
  { engine: 'ort-1', task: 'infer', imagesPerSec: 30_400 },
];
function baselines(r) {
  const n = r.networks.find((x) => x.network === 'lenet_nobn');
  if (!n) return [];
  return [
    `The issue's peer figures were measured before the project on an idle core (LeNet without BN, batch 32). This run's, on the shared machine:`,
    '',
    '| engine | task | issue (images/s) | this run (images/s) | this run ÷ issue |',
    '|---|---|---:|---:|---:|',
    ...issueBaselines.map((b) => {
      const v = rate(n, b.engine, b.task, n.batch);
      return `| ${engineLabels[b.engine]} | ${b.task} | ${b.imagesPerSec} | ${fmt(v)} | ${v ? ratio(v / b.imagesPerSec) : '–'} |`;
    }),
    '',
    'Where this run\'s peers are slower than the issue\'s, the machine was busier (or the peer\'s setup differs); the',
    'targets are judged on ratios measured in this run, which the load affects far less than absolute rates.',
    '',
  ];
}

export function renderResults(r) {
  const m = r.machine;
  const roof = r.roofline.best.gflops;
  const out = [
    '# cnnc benchmark results',
    '',
    `Written by \`npm run bench\` on ${r.date}${r.quick ? ' with `--quick` (short timings: the figures check the harness, they are not measurements)' : ''}; the run took ${Math.round(r.seconds)} s.`,
    '',
    '## Machine',
    '',
    `- CPU: ${m.cpu}, ${m.cores} cores (${m.platform}); Node ${m.node}`,
    `- Load average (1, 5, 15 min) at the start: ${m.load.join(', ')}; at the end: ${r.loadAtEnd.join(', ')}.`,
    '  The 2 cores were shared with other work while this ran, so absolute figures are low and',
    '  noisy; the ratios below compare engines measured in this same run, one after the other,',
    '  each in a process of its own, and are the figures to read.',
    `- Scalar-JS roofline: **${roof.toFixed(2)} GFLOP/s**, the best of ${r.roofline.variants.length} multiply-add microbenchmarks (${r.roofline.best.name}`
      + `${r.roofline.runs ? `; measured at the start and at the end of the run: ${r.roofline.runs.map((v) => v.toFixed(2)).join(' and ')} GFLOP/s` : ''}); `
      + 'every GFLOP/s below is also given as a fraction of it (src/bench/roofline.ts lists the variants).',
    '',
    '## Commands',
    '',
    '```sh',
    ...r.commands,
    '```',
    '',
    'Every engine runs the same network with the same weights (cnnc\'s seeded initialisation, seed 0) on the',
    'same seeded input; before anything is timed its inference output, and for training its loss and every',
    'weight gradient of one batch, are compared with cnnc\'s interpreter (float64). A row that disagrees is',
    'marked **wrong** and not timed. Times are medians per call; images/s = batch ÷ time.',
    '',
    '## Targets',
    '',
    '| target | measured | met? | detail |',
    '|---|---:|---|---|',
    ...targets(r).map((t) => `| ${t.text} | ${ratio(t.value)} | ${t.value === undefined ? 'not measured' : t.value >= t.goal ? '**met**' : '**not met**'} | ${t.detail} |`),
    '',
    'Where the time goes (from the per-layer tables below):',
    '',
    ...shortfall(r, roof),
    '',
    '## Summary: images/s at the network\'s batch, every engine',
    '',
    ...summaryTable(r),
    '',
    ...baselines(r),
  ];
  for (const n of r.networks) {
    out.push(`## ${n.network} (${n.file}, batch ${n.batch})`, '');
    out.push('### cnnc against the peers (same run)', '', ...peersTable(n), '');
    const ahead = aheadStatements(n);
    if (ahead.length) out.push('Where the native engines stand:', '', ...ahead, '');
    out.push('### Generated against interpreted (`cnnc bench`)', '', ...benchTable(n, roof), '');
    if (n.bench) {
      out.push('### Where the time goes (generated kernels)', '', ...breakdown(n), '', `Largest kernels: ${top(n, 4)}.`, '');
    }
    const firsts = n.peers.filter((p) => p.status === 'ok' && p.firstMs !== undefined && p.task === 'infer' && p.batch === n.batch);
    if (firsts.length) {
      out.push(`First inference call at batch ${n.batch} (compilation, JIT and allocation included; the tables above time the warmed-up steady state): `
        + `${firsts.map((p) => `${engineLabels[p.engine] ?? p.engine} ${fmt(p.firstMs, 2)} ms`).join('; ')}.`, '');
    }
    out.push('<details><summary>Answer checks</summary>', '', ...checksList(n), '', '</details>', '');
  }
  out.push('## How the peers run the same network', '', '- **Conv padding.** cnnc\'s anchor (m, n) of an M×N kernel is reproduced by explicit padding: top m, bottom M-1-m,', '  left n, right N-1-n (TF.js: explicit pad array; ONNX: `pads`; ConvNetJS: its symmetric `pad` when all four agree,', '  otherwise a small pad layer before an unpadded conv). A negative pad (anchor outside the window) becomes a crop', '  (TF.js `slice`, ONNX `Slice`, the ConvNetJS pad layer).', '- **BN.** cnnc\'s default BN normalises each position (k, i, j) over the batch; no peer has that layer. For', '  inference it is folded into one per-position affine op, y = x·γ/√(σ²+ε) + (β − μ·γ/√(σ²+ε)) with the running', '  statistics (ONNX: `Mul` + `Add` by C×H×W constants; TF.js: `mul`/`add`; ConvNetJS: an affine layer). For training', '  TF.js computes `tf.moments` over the batch axis (gradients by autodiff); ConvNetJS has no BN and does not train it.', '- **Layouts.** TF.js (the WASM backend supports only NHWC) and ConvNetJS (HWC volumes) get the weights reordered,', '  full-layer columns included; ONNX Runtime runs NCHW as cnnc does. The .onnx files are written by cnnc\'s own', '  encoder (src/onnx/) into bench/peers/models/.', '- **Training.** Loss = cross-entropy summed over the batch (cnnc\'s loss), plain SGD. TF.js: `tf.train.sgd().minimize`;', '  ConvNetJS: `SGDTrainer` with `batch_size` = batch and the learning rate scaled to the sum; cnnc: `forward`,', '  `backward(labels)`, `step`. TF.js WASM (no Conv2DBackpropFilter kernel) and ONNX Runtime for Node (inference only)', '  do not train.', '- **ConvNetJS** processes one sample at a time in float64 and always has biases (set to 0, trained like the rest).', '');
  return out.join('\n');
}
