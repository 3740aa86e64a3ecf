// cnnc's side of the peers harness, from the built package (dist/, made by `npm run build`):
// the front end, the interpreter-based workload and reference answers, the layout helpers.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join, resolve } from 'node:path';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const dist = join(repoRoot, 'dist/src');

if (!existsSync(join(dist, 'bench/workload.js'))) {
  throw new Error(`bench/peers needs the built cnnc: run \`npm run build\` in ${repoRoot} first`);
}

const load = (path) => import(pathToFileURL(join(dist, path)).href);

export const frontend = await load('frontend/index.js');
export const workload = await load('bench/workload.js');
export const layout = await load('bench/peer-layout.js');
export const compare = await load('bench/compare.js');
export const measureLib = await load('bench/measure.js');
export const onnx = await load('bench/onnx/model.js');
export const dist_ = dist;
export { load };

/** The named network of a .cnn file (default: the first). */
export function loadNetwork(file, name) {
  const model = frontend.loadModel(file);
  const net = name ? model.networks.find((n) => n.name === name) : model.networks[0];
  if (!net) throw new Error(`${file} has no network ${name}`);
  return net;
}
