// Training speed with 1 and N workers (issue 13), side by side in one run:
//   node bench/workers.mjs [--workers 1,2] [--rounds 3] [--images 6400] [--model examples/lenet.cnn] [--target wasm|js]
// Each round trains every worker count in turn (interleaved, so a change of the machine's
// load hits all alike) for two epochs on the first --images MNIST images, and keeps the
// second epoch's images/s (training batches only: wall time, evaluation excluded; the first
// epoch warms up V8 and the WebAssembly tiers). Prints the median per worker count, the
// speed-up against one worker, and the load average before and after. Needs `npm run build`.
import { loadavg, cpus } from 'node:os';
import { loadModel, compileAndImport, ParallelModel, train, loadSplit, resolveDataDir } from '../dist/src/index.js';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const counts = arg('workers', '1,2').split(',').map(Number);
const rounds = Number(arg('rounds', '3'));
const images = Number(arg('images', '6400'));
const file = arg('model', 'examples/lenet.cnn');
const target = arg('target', 'wasm');
const net = loadModel(file).networks[0];
const dir = resolveDataDir('mnist');
const data = { train: loadSplit(dir, 'train', images), test: loadSplit(dir, 't10k', 64) };
const options = { epochs: 2, lr: 0.02 / net.batch, momentum: 0.9, lrDecay: 1, seed: 0 };

async function once(workers) {
  let model, meta, close = async () => {};
  if (workers === 1) {
    const mod = await compileAndImport(net, { dtype: 'f32', target });
    model = new mod.Model({ seed: 0 });
    meta = mod.meta;
  } else {
    const p = await ParallelModel.create(net, { workers, dtype: 'f32', target, seed: 0 });
    model = p; meta = p.meta; close = () => p.close();
  }
  try {
    const out = await train(model, meta, data, options);
    return out.epochs[1].imagesPerSecond;
  } finally {
    await close();
  }
}

const before = loadavg()[0];
const results = new Map(counts.map((n) => [n, []]));
for (let r = 0; r < rounds; r++) {
  for (const n of counts) {
    const v = await once(n);
    results.get(n).push(v);
    console.error(`round ${r + 1}: ${n} worker(s): ${Math.round(v)} images/s`);
  }
}
const after = loadavg()[0];
const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
const base = median(results.get(counts[0]));
console.log(`${file} (${net.name}, batch ${net.batch}), ${target} target, ${cpus().length} cores (${cpus()[0].model}), ${images} MNIST images per epoch, ` +
  `training images/s of the second epoch, median of ${rounds} interleaved rounds; load average ${before.toFixed(2)} before, ${after.toFixed(2)} after`);
console.log('| workers | images/s | speed-up | rounds |');
console.log('|---:|---:|---:|---|');
for (const n of counts) {
  const m = median(results.get(n));
  console.log(`| ${n} | ${Math.round(m)} | ${(m / base).toFixed(2)}× | ${results.get(n).map(Math.round).join(', ')} |`);
}
