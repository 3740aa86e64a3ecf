// Which npm package each peer engine needs, and the message when it is not installed: the
// peers are a package of their own (bench/peers/package.json), installed apart from cnnc.
import { createRequire } from 'node:module';

export const PEER_PACKAGES = {
  'cnnc-wasm': [],
  'cnnc-js': [],
  'cnnc-generated': [], // = cnnc-wasm
  'cnnc-interpreter': [],
  'tfjs-cpu': ['@tensorflow/tfjs'],
  'tfjs-wasm': ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm'],
  'ort-1': ['onnxruntime-node'],
  'ort-2': ['onnxruntime-node'],
  convnetjs: ['convnetjs'],
};

export const INSTALL_COMMAND = 'ONNXRUNTIME_NODE_INSTALL=skip npm ci --prefix bench/peers --no-audit --no-fund';

/** Whether `pkg` can be resolved from `fromUrl` (a package whose exports hide its main still counts as installed). */
function installed(pkg, fromUrl) {
  try {
    createRequire(fromUrl).resolve(pkg);
    return true;
  } catch (e) {
    return e?.code !== 'MODULE_NOT_FOUND';
  }
}

/**
 * The packages `engine` needs that cannot be resolved from `fromUrl` (by default, the
 * peers package), and a message saying how to install them; undefined when all are there.
 */
export function missingPeers(engine, fromUrl = new URL('../engine.mjs', import.meta.url)) {
  const missing = (PEER_PACKAGES[engine] ?? []).filter((pkg) => !installed(pkg, fromUrl));
  if (missing.length === 0) return undefined;
  return {
    missing,
    message:
      `engine ${engine} needs ${missing.join(' and ')}, which ${missing.length === 1 ? 'is' : 'are'} not installed: ` +
      'the benchmark peers are a package of their own (bench/peers). Install them from the repository root with\n' +
      `  ${INSTALL_COMMAND}\n` +
      '(about 30 s and 600 MB; `npm run bench` does it by itself).\n',
  };
}
