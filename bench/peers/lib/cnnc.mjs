// cnnc's side of the peers harness, from the built package (dist/, made by `npm run build`):
// the front end, the seeded workload and the interpreter's answers, the answer checks, the
// conv padding and BN folding (shared with the ONNX writer), the ONNX writer, and the loader
// of generated modules. What only the harness needs lives beside this file.
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
export const compare = await load('bench/compare.js');
export const onnx = await load('onnx/model.js');
export const generated = await load('engines/generated-module.js');
/** Conv padding and BN folding (cnnc's, src/onnx/layout.ts) with the peers' own layouts. */
export const layout = { ...(await load('onnx/layout.js')), ...(await import('./layout.mjs')) };
export const dist_ = dist;
export { load };

/** The named network of a .cnn file (default: the first). */
export function loadNetwork(file, name) {
  const model = frontend.loadModel(file);
  const net = name ? model.networks.find((n) => n.name === name) : model.networks[0];
  if (!net) throw new Error(`${file} has no network ${name}`);
  return net;
}
