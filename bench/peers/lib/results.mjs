// bench/RESULTS.md from one run of the peers harness (run.mjs): the machine, the commands,
// the targets of the issue marked met or not met, cnnc against each peer as ratios measured
// in the same run, generated against interpreted per layer, and where the time goes.
//
// The run's results (also written as bench/RESULTS.json):
//   { date, machine: { cpu, cores, node, platform, load }, loadAtEnd, commands, quick,
//     roofline: { best: { name, gflops }, variants, runs? }  (scalar JS),
//     wasmRoofline?: { simd: { name, gflops }, relaxed: { name, gflops } | null, relaxedAvailable, variants, runs? },
//     seconds,
//     networks: [{ file, network, batch, bench: `cnnc bench --json` report (rows per target, firstResult) | null, benchError?,
//                  peers: [{ engine, network, task: 'infer'|'train', batch,
//                            status: 'ok'|'wrong'|'n/a'|'error', check?, ms?, imagesPerSec?, firstMs? }] }] }

export const engineLabels = {
  'cnnc-wasm': 'cnnc generated, WebAssembly SIMD (f32)',
  'cnnc-js': 'cnnc generated, JS (f32)',
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

/** The engine name of the generated module's default (wasm) target in this run. */
function W(n) {
  return n.peers.some((r) => r.engine === 'cnnc-wasm') ? 'cnnc-wasm' : 'cnnc-generated';
}

/** A `cnnc bench` row; rows written before the targets existed count as the default target's. */
function benchRow(n, scope, op, target = 'wasm') {
  return n.bench?.rows.find((r) => r.scope === scope && r.op === op && (r.target ?? 'wasm') === target);
}

function benchTargets(n) {
  return n.bench?.targets ?? ['wasm'];
}

function peersTable(n) {
  const engines = [...new Set(n.peers.map((r) => r.engine))];
  const mine = [W(n), 'cnnc-js'].filter((e) => engines.includes(e));
  const B = n.batch;
  const short = { 'cnnc-wasm': 'wasm', 'cnnc-js': 'js', 'cnnc-generated': 'cnnc' };
  const lines = [
    `| engine | infer, batch 1 (images/s) | infer, batch ${B} (images/s) | train step, batch ${B} (images/s) | ${mine.map((m) => `${short[m]} ÷ engine: infer b1 | infer b${B} | train b${B}`).join(' | ')} |`,
    `|---|---:|---:|---:|${mine.map(() => '---:|---:|---:').join('|')}|`,
  ];
  for (const e of engines) {
    const rel = (m, task, b) => {
      const g = rate(n, m, task, b);
      const o = rate(n, e, task, b);
      return e === m ? '1' : g && o ? ratio(g / o) : '–';
    };
    const rels = mine.map((m) => `${rel(m, 'infer', 1)} | ${rel(m, 'infer', B)} | ${rel(m, 'train', B)}`).join(' | ');
    lines.push(`| ${engineLabels[e] ?? e} | ${cell(n, e, 'infer', 1)} | ${cell(n, e, 'infer', B)} | ${cell(n, e, 'train', B)} | ${rels} |`);
  }
  return lines;
}

function checksList(n) {
  return n.peers.map((r) => `- ${engineLabels[r.engine] ?? r.engine}, ${r.task} batch ${r.batch}: **${r.status}** — ${(r.check ?? '').split('\n')[0]}`);
}

/** GFLOP/s ceilings by target: WebAssembly SIMD for wasm rows, scalar JS for js rows. */
function ceilings(r) {
  return { js: r.roofline.best.gflops, wasm: r.wasmRoofline?.simd.gflops };
}

function benchTable(n, roofs) {
  if (!n.bench) return [`(cnnc bench failed: ${n.benchError ?? 'no report'})`];
  const B = n.batch;
  const ts = benchTargets(n);
  const lines = [
    `| layer | op | ${ts.map((t) => `${t} ms`).join(' | ')} | interpreted ms | ${ts.map((t) => `${t} ÷ interpreter`).join(' | ')} | ${ts.map((t) => `${t} images/s`).join(' | ')} | ${ts.map((t) => `${t} GFLOP/s (% of ${t === 'wasm' ? 'SIMD' : 'scalar-JS'} roofline)`).join(' | ')} |`,
    `|---|---|${ts.map(() => '---:').join('|')}|---:|${ts.map(() => '---:').join('|')}|${ts.map(() => '---:').join('|')}|${ts.map(() => '---:').join('|')}|`,
  ];
  const keys = [...new Set(n.bench.rows.map((r) => `${r.scope}/${r.op}`))];
  for (const k of keys) {
    const [scope, op] = k.split('/');
    const rs = ts.map((t) => benchRow(n, scope, op, t));
    const any = rs.find(Boolean);
    const each = (f) => rs.map((r) => (r ? f(r) : '–')).join(' | ');
    const gf = (r) => (r.gflops === null ? '–' : `${r.gflops.toFixed(2)}${roofs[r.target ?? 'wasm'] ? ` (${((100 * r.gflops) / roofs[r.target ?? 'wasm']).toFixed(0)}%)` : ''}`);
    lines.push(`| ${scope} | ${op} | ${each((r) => fmt(r.generatedMs, 3))} | ${fmt(any.interpretedMs, 3)} | ${each((r) => ratio(r.speedup))} | ${each((r) => fmt((B * 1000) / r.generatedMs))} | ${each(gf)} |`);
  }
  return lines;
}

function kernelRows(n, target) {
  return (n.bench?.rows ?? []).filter((r) => r.scope !== 'network' && (r.target ?? 'wasm') === target);
}

/** Share of each layer in the generated inference pass and training step (sum of its kernels), per target. */
function breakdown(n) {
  if (!n.bench) return [];
  const ts = benchTargets(n);
  const layers = [...new Set(n.bench.rows.filter((r) => r.scope !== 'network').map((r) => r.scope))];
  const sum = (t, scope, ops) => kernelRows(n, t).filter((r) => r.scope === scope && ops.includes(r.op)).reduce((a, r) => a + r.generatedMs, 0);
  const inferOps = ['forward'];
  const trainOps = ['path', 'backward', 'grad'];
  // Training runs each layer's path (pool) or forward, then backward and grad.
  const trainMs = (t, s) => {
    const hasPath = n.bench.rows.some((r) => r.scope === s && r.op === 'path');
    return sum(t, s, hasPath ? trainOps : ['forward', ...trainOps]);
  };
  const totalInfer = Object.fromEntries(ts.map((t) => [t, layers.reduce((a, s) => a + sum(t, s, inferOps), 0)]));
  const totalTrain = Object.fromEntries(ts.map((t) => [t, layers.reduce((a, s) => a + trainMs(t, s), 0)]));
  const lines = [
    `| layer | ${ts.map((t) => `${t} inference: ms (share)`).join(' | ')} | ${ts.map((t) => `${t} training step: ms (share)`).join(' | ')} |`,
    `|---|${ts.map(() => '---:').join('|')}|${ts.map(() => '---:').join('|')}|`,
  ];
  for (const s of layers) {
    const i = ts.map((t) => { const v = sum(t, s, inferOps); return `${fmt(v, 3)} (${((100 * v) / totalInfer[t]).toFixed(0)}%)`; });
    const tr = ts.map((t) => { const v = trainMs(t, s); return `${fmt(v, 3)} (${((100 * v) / totalTrain[t]).toFixed(0)}%)`; });
    lines.push(`| ${s} | ${i.join(' | ')} | ${tr.join(' | ')} |`);
  }
  lines.push(`| sum of kernels | ${ts.map((t) => fmt(totalInfer[t], 3)).join(' | ')} | ${ts.map((t) => fmt(totalTrain[t], 3)).join(' | ')} |`);
  const whole = (op) => ts.map((t) => { const r = benchRow(n, 'network', op, t); return r ? fmt(r.generatedMs, 3) : '–'; });
  lines.push(`| whole network (measured) | ${whole('infer').join(' | ')} | ${whole('train').join(' | ')} |`);
  return lines;
}

function top(n, k, target) {
  const rows = kernelRows(n, target);
  if (!rows.length) return '';
  const total = rows.reduce((a, r) => a + r.generatedMs, 0);
  return [...rows].sort((a, b) => b.generatedMs - a.generatedMs).slice(0, k)
    .map((r) => `${r.scope} ${r.op} ${fmt(r.generatedMs, 3)} ms (${((100 * r.generatedMs) / total).toFixed(0)}%${r.gflops === null ? '' : `, ${r.gflops.toFixed(1)} GFLOP/s`})`).join(', ');
}

/**
 * The targets of issue 11 (and the earlier ones), each a ratio measured in this run:
 * { text, value, goal, aim?, moonshot?, detail }.
 */
function targets(results) {
  const lenet = results.networks.find((n) => n.network === 'lenet');
  const nobn = results.networks.find((n) => n.network === 'lenet_nobn');
  const out = [];
  for (const n of [nobn, lenet]) {
    if (!n) continue;
    const B = n.batch;
    const w = W(n);
    for (const b of [B, 1]) {
      const g = rate(n, w, 'infer', b);
      const t = rate(n, 'tfjs-wasm', 'infer', b);
      out.push({ text: `cnnc wasm ≥ TF.js-wasm (aim 1.5×), ${n.network} inference batch ${b}`, value: g && t ? g / t : undefined, goal: 1, aim: 1.5, detail: `${fmt(g)} vs ${fmt(t)} images/s` });
    }
  }
  if (nobn) {
    const B = nobn.batch;
    const w = W(nobn);
    const gt = rate(nobn, w, 'train', B);
    const c = rate(nobn, 'convnetjs', 'train', B);
    out.push({ text: `cnnc wasm ≥ 20× ConvNetJS (≈ 4,000 images/s), ${nobn.network} training step batch ${B}`, value: gt && c ? gt / c : undefined, goal: 20, detail: `${fmt(gt)} vs ${fmt(c)} images/s` });
  }
  for (const n of [lenet, nobn]) {
    if (!n) continue;
    for (const [op, what] of [['train', 'training step'], ['infer', 'inference']]) {
      const r = benchRow(n, 'network', op, 'wasm');
      out.push({ text: `cnnc wasm ≥ 10× interpreter, ${n.network} ${what} (batch ${n.batch})`, value: r?.speedup, goal: 10, detail: r ? `${fmt(r.generatedMs, 2)} ms vs ${fmt(r.interpretedMs, 2)} ms` : 'not measured' });
    }
  }
  for (const n of [nobn]) {
    if (!n) continue;
    const w = W(n);
    for (const b of [n.batch, 1]) {
      const g = rate(n, w, 'infer', b);
      const o = rate(n, 'ort-1', 'infer', b);
      out.push({ text: `cnnc wasm vs ONNX Runtime 1 thread (the moonshot), ${n.network} inference batch ${b}`, value: g && o ? g / o : undefined, goal: 1, moonshot: true, detail: `${fmt(g)} vs ${fmt(o)} images/s` });
    }
  }
  // Earlier targets, for the record (generated = the default target).
  for (const n of [nobn, lenet]) {
    if (!n) continue;
    const B = n.batch;
    const w = W(n);
    const g = rate(n, w, 'infer', B);
    const t = rate(n, 'tfjs-cpu', 'infer', B);
    out.push({ text: `(earlier) generated ≥ 7× TF.js CPU, ${n.network} inference batch ${B}`, value: g && t ? g / t : undefined, goal: 7, detail: `${fmt(g)} vs ${fmt(t)} images/s` });
  }
  return out;
}

/** Met or not, and by how much it is missed (goal ÷ measured). */
function verdict(t) {
  if (t.value === undefined) return 'not measured';
  if (t.moonshot) return t.value >= t.goal ? '**reached**' : `not reached: ONNX Runtime ${ratio(1 / t.value)} faster`;
  if (t.value < t.goal) return `**not met**: short by ${ratio(t.goal / t.value)}`;
  if (t.aim && t.value < t.aim) return `**met**; the aim (${t.aim}×) missed by ${ratio(t.aim / t.value)}`;
  return t.aim ? '**met**, aim too' : '**met**';
}

function aheadStatements(n) {
  const B = n.batch;
  const out = [];
  for (const b of [1, B]) {
    const g = rate(n, W(n), 'infer', b);
    for (const e of ['tfjs-wasm', 'ort-1', 'ort-2']) {
      const o = rate(n, e, 'infer', b);
      if (!g || !o) continue;
      out.push(o > g
        ? `- ${engineLabels[e]}, inference batch ${b}: **ahead of cnnc wasm by ${ratio(o / g)}** (${fmt(o)} vs ${fmt(g)} images/s)`
        : `- ${engineLabels[e]}, inference batch ${b}: behind cnnc wasm (cnnc ${ratio(g / o)} faster; ${fmt(g)} vs ${fmt(o)} images/s)`);
    }
  }
  return out;
}

/** Time to first result of a fresh module (cnnc bench's firstResult), per target and task. */
function firstResults(n) {
  const list = n.bench?.firstResult ?? [];
  if (!list.length) return [];
  return [
    '| target | task | import ms | createModel ms | 1st call ms | import → 1st result ms | 2nd call ms | steady ms | steady state reached after ms (calls) |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|',
    ...list.map((f) => `| ${f.target} | ${f.task} | ${fmt(f.importMs, 2)} | ${fmt(f.createMs, 2)} | ${fmt(f.firstMs, 2)} | **${fmt(f.toFirstMs, 2)}** | ${fmt(f.secondMs, 2)} | ${fmt(f.steadyMs, 2)} | ${fmt(f.steadyAfterMs)} (${f.steadyAfterCalls}) |`),
  ];
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

/** Where the generated training step spends its time, per target: the conv and full kernels' share and their GFLOP/s. */
function shortfall(r, roofs) {
  const out = [];
  for (const n of r.networks) {
    if (!n.bench) continue;
    for (const t of benchTargets(n)) {
      const rows = kernelRows(n, t);
      const convNames = new Set(rows.filter((row) => row.gflops !== null).map((row) => row.scope));
      const kernels = rows.filter((row) => row.op !== 'infer' && !(row.op === 'forward' && rows.some((x) => x.scope === row.scope && x.op === 'path')));
      const total = kernels.reduce((a, row) => a + row.generatedMs, 0);
      const heavy = kernels.filter((row) => convNames.has(row.scope));
      const share = heavy.reduce((a, row) => a + row.generatedMs, 0) / total;
      const g = heavy.map((row) => row.gflops).sort((a, b) => a - b);
      if (!g.length) continue;
      const roof = roofs[t];
      const pct = (v) => (roof ? ` (${((100 * v) / roof).toFixed(0)}%)` : '');
      out.push(`- ${n.network}, ${t}: conv and full kernels take ${(100 * share).toFixed(0)}% of the training step's kernel time and run at `
        + `${g[0].toFixed(2)}–${g[g.length - 1].toFixed(2)} GFLOP/s${roof ? ` (${((100 * g[0]) / roof).toFixed(0)}–${((100 * g[g.length - 1]) / roof).toFixed(0)}% of the ${t === 'wasm' ? 'WebAssembly SIMD' : 'scalar-JS'} roofline)` : ''}; `
        + `the slowest: ${[...heavy].sort((a, b) => a.gflops - b.gflops).slice(0, 3).map((row) => `${row.scope} ${row.op} ${row.gflops.toFixed(2)} GFLOP/s${pct(row.gflops)}`).join(', ')}; `
        + `the largest: ${top(n, 3, t)}.`);
    }
  }
  return out;
}

/** Issue 11's figures (one interleaved run, same core, LeNet without BN) beside this run's. */
const issueBaselines = [
  { engine: 'cnnc-js', task: 'infer', batch: 32, imagesPerSec: 4144 },
  { engine: 'cnnc-js', task: 'infer', batch: 1, imagesPerSec: 4355 },
  { engine: 'cnnc-js', task: 'train', batch: 32, imagesPerSec: 1428 },
  { engine: 'tfjs-wasm', task: 'infer', batch: 32, imagesPerSec: 20_232 },
  { engine: 'tfjs-wasm', task: 'infer', batch: 1, imagesPerSec: 12_924 },
  { engine: 'ort-1', task: 'infer', batch: 32, imagesPerSec: 56_413 },
  { engine: 'ort-1', task: 'infer', batch: 1, imagesPerSec: 30_635 },
  { engine: 'convnetjs', task: 'train', batch: 32, imagesPerSec: 205 },
];
function baselines(r) {
  const n = r.networks.find((x) => x.network === 'lenet_nobn');
  if (!n) return [];
  return [
    'Issue 11 measured these before the WebAssembly target (LeNet without BN; cnnc generated then meant its JS). This run\'s, on the shared machine:',
    '',
    '| engine | task | batch | issue 11 (images/s) | this run (images/s) | this run ÷ issue |',
    '|---|---|---:|---:|---:|---:|',
    ...issueBaselines.map((b) => {
      const v = rate(n, b.engine, b.task, b.batch);
      return `| ${engineLabels[b.engine]} | ${b.task} | ${b.batch} | ${b.imagesPerSec} | ${fmt(v)} | ${v ? ratio(v / b.imagesPerSec) : '–'} |`;
    }),
    '',
    'Where this run\'s figures are lower than the issue\'s, the machine was busier; the targets are judged on ratios',
    'measured in this run, which the load affects far less than absolute rates.',
    '',
  ];
}

export function renderResults(r) {
  const m = r.machine;
  const roof = r.roofline.best.gflops;
  const roofs = ceilings(r);
  const wr = r.wasmRoofline;
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
      + 'every GFLOP/s of the js target below is also given as a fraction of it (src/bench/roofline.ts lists the variants).',
    ...(wr ? [`- WebAssembly SIMD roofline: **${wr.simd.gflops.toFixed(2)} GFLOP/s**, the best of ${wr.variants.filter((v) => !v.name.includes('relaxed')).length} f32x4 mul+add microbenchmarks (${wr.simd.name}`
      + `${wr.runs ? `; at the start and at the end of the run: ${wr.runs.map((v) => v.toFixed(2)).join(' and ')} GFLOP/s` : ''}), assembled with src/wasm/asm.ts; `
      + `relaxed SIMD (f32x4.relaxed_madd): ${wr.relaxed ? `**${wr.relaxed.gflops.toFixed(2)} GFLOP/s** (${wr.relaxed.name})` : 'not available in this engine (WebAssembly.validate refuses it), so the generated modules ran their plain-SIMD variant'}; `
      + 'every GFLOP/s of the wasm target below is given as a fraction of the mul+add figure.'] : []),
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
    ...targets(r).map((t) => `| ${t.text} | ${ratio(t.value)} | ${verdict(t)} | ${t.detail} |`),
    '',
    'Where the time goes (from the per-layer tables below):',
    '',
    ...shortfall(r, roofs),
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
    out.push('### Generated (each target) against interpreted (`cnnc bench`)', '', ...benchTable(n, roofs), '');
    if (n.bench) {
      out.push('### Where the time goes (generated kernels)', '', ...breakdown(n), '', ...benchTargets(n).map((t) => `Largest ${t} kernels: ${top(n, 4, t)}.`), '');
      const fr = firstResults(n);
      if (fr.length) {
        out.push('### Time to first result (a fresh module)', '',
          'Each line is a new Node process that imports the module file `cnnc build` writes, creates a model (the wasm target compiles',
          'and instantiates its WebAssembly here) and calls it for 1.5 s (at least 10 calls). V8 runs each wasm function first as Liftoff',
          '(baseline) code and tiers it up to TurboFan once it has run a while; JS starts in the interpreter. "steady" is the median of the',
          'last fifth of the calls; "reached after" is the time from the import until a call first ran within 1.25× of it.', '',
          ...fr, '');
      }
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
