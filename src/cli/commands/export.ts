// `cnnc export MODEL.cnn --weights W -o MODEL.onnx [--network NAME]`: one network with its
// weights as an ONNX model for inference (src/onnx/model.ts says how each layer is written).
// The weights are read and checked as `cnnc eval` reads them; the file is written whole
// (temporary name, then rename), and not at all when anything is wrong.
import type { Command } from 'commander';
import { resolve } from 'node:path';
import { UsageError } from '../../errors.js';
import { loadModel } from '../load.js';
import { pickNetwork } from '../options.js';
import { readWeightsFile } from '../../weights/index.js';
import { exportOnnx } from '../../onnx/export.js';
import { OPSET } from '../../onnx/model.js';
import { checkOutputFile, writeFileAtomic } from '../../util/atomic-write.js';
import { TRAINING_WARNINGS } from '../../diagnostics/codes.js';

interface ExportFlags {
  weights: string;
  output: string;
  network?: string;
}

export function register(program: Command): void {
  program
    .command('export')
    .description('write one network with its weights as an ONNX model (inference; opset 13, batch size free)')
    .argument('<model>', 'the .cnn file')
    .requiredOption('--weights <file>', 'weights, .bin or .json')
    .requiredOption('-o, --output <file>', 'the .onnx file to write')
    .option('--network <name>', 'which network of the file (default: the first)')
    .action((file: string, flags: ExportFlags) => {
      // A slip such as `-o model.cnn` must not replace an input with the ONNX bytes.
      for (const [what, path] of [['model', file], ['weights', flags.weights]] as const) {
        if (resolve(flags.output) === resolve(path)) throw new UsageError(`cnnc export: -o ${flags.output} is the ${what} file; name a new .onnx file`);
      }
      checkOutputFile(flags.output);
      // ONNX runs bn with its running statistics: bn's training-only warnings do not apply.
      const net = pickNetwork(loadModel(file, { ignore: TRAINING_WARNINGS }), flags.network);
      const bytes = exportOnnx(net, readWeightsFile(flags.weights, net), flags.weights);
      writeFileAtomic(flags.output, bytes);
      const { input: i, output: o } = net;
      const out = o.h === 1 && o.w === 1 ? `[N,${o.c}]` : `[N,${o.c},${o.h},${o.w}]`;
      process.stdout.write(
        `${flags.output}: network ${net.name}, ONNX opset ${OPSET}, input "input" [N,${i.c},${i.h},${i.w}] → output "output" ${out}, ` +
          `${bytes.length.toLocaleString('en-US')} bytes\n`,
      );
    });
}
