// `cnnc eval MODEL.cnn --weights W --data DIR|mnist`: accuracy and confusion matrix of
// trained weights on the test images (t10k-*), in inference mode (bn running statistics).
import type { Command } from 'commander';
import { loadModel } from '../load.js';
import { checkFit, loadSplit, resolveDataDir } from '../../train/data.js';
import { evaluate, nonFiniteMessage } from '../../train/evaluate.js';
import { UserError } from '../../errors.js';
import { trainingModel } from '../module.js';
import { dtypeValue, targetValue, pickNetwork, positiveInt, workersValue } from '../options.js';
import { defaultWorkers, WorkerFailure } from '../../train/parallel.js';
import { loadWeightsFile } from '../../train/weights-file.js';

interface EvalFlags {
  weights: string;
  data: string;
  json?: boolean;
  limit?: string;
  network?: string;
  dtype: string;
  target?: string;
  module?: string;
  workers?: string;
}

export function register(program: Command): void {
  program
    .command('eval')
    .description('accuracy and confusion matrix of trained weights on the test images, in inference mode')
    .argument('<model>', 'the .cnn file')
    .requiredOption('--weights <file>', 'weights, .bin or .json')
    .requiredOption('--data <dir>', "directory with t10k- images and labels IDX files (optionally .gz), or 'mnist'")
    .option('--json', 'print {"accuracy", "count", "confusion"} (confusion[true][predicted])')
    .option('--limit <n>', 'only the first N test images')
    .option('--network <name>', 'which network of the file (default: the first)')
    .option('--dtype <t>', 'f32 or f64', 'f32')
    .option('--target <t>', 'kernels: wasm (default for f32) or js')
    .option('--module <file.js>', 'use this module built by `cnnc build` instead of compiling now')
    .option('--workers <n>', `worker threads sharing each batch (default: the cores, here ${defaultWorkers()}; 1 with --module)`)
    .action(async (file: string, flags: EvalFlags) => {
      const limit = flags.limit === undefined ? undefined : positiveInt('--limit', flags.limit);
      const dtype = dtypeValue(flags.dtype);
      const target = targetValue(flags.target, dtype);
      const workerCount = workersValue(flags.workers, flags.module, defaultWorkers());
      const net = pickNetwork(loadModel(file), flags.network);
      const test = loadSplit(resolveDataDir(flags.data), 't10k', limit);
      checkFit(net, test);
      const { model, meta, close } = await trainingModel(net, { dtype, target, modulePath: flags.module, workers: workerCount });
      let result;
      try {
        loadWeightsFile(model, flags.weights, net);
        result = (await evaluate(model, meta, test))!;
      } catch (e) {
        if (e instanceof WorkerFailure) throw new UserError(`evaluation stopped: ${e.message}`);
        throw e;
      } finally {
        await close();
      }
      if (result.nonFinite) throw new UserError(nonFiniteMessage(test, result.nonFinite));
      if (flags.json) {
        process.stdout.write(
          `${JSON.stringify({ accuracy: result.accuracy, count: result.count, confusion: result.confusion.rows() })}\n`,
        );
        return;
      }
      process.stdout.write(
        `${net.name} on ${test.count} test images of ${test.file}: accuracy ${(100 * result.accuracy).toFixed(2)}% ` +
          `(${result.confusion.correct}/${result.count}), mean loss ${result.loss.toFixed(4)}\n\n${result.confusion.format()}\n`,
      );
    });
}
