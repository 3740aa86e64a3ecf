// `cnnc train MODEL.cnn --data DIR|mnist`: trains a network with its generated module on
// IDX data, evaluates it on the test set after every epoch, and saves the weights and the
// learning curves after every epoch (whole files, so a crash never leaves half of one).
// Ctrl-C stops after the current batch and saves; a second Ctrl-C quits at once.
import type { Command } from 'commander';
import { UserError } from '../../errors.js';
import { loadModel } from '../load.js';
import { checkOutputFile, writeFilesAtomic } from '../../util/atomic-write.js';
import { checkFit, loadSplit, resolveDataDir } from '../../train/data.js';
import { curvePaths, curvesCsv, curvesSvg, curvesTitle } from '../../train/curves.js';
import { divergenceMessage, train, type EpochResult } from '../../train/loop.js';
import { trainingModel } from '../module.js';
import { dtypeValue, targetValue, numberIn, pickNetwork, positiveInt, seedValue, workersValue } from '../options.js';
import { defaultWorkers, WorkerFailure } from '../../train/parallel.js';
import { Progress } from '../progress.js';
import { loadWeightsFile, weightsBytes } from '../../train/weights-file.js';

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/** Defaults, tuned on MNIST with examples/lenet.cnn (see examples/mnist/README.md). */
export const TRAIN_DEFAULTS = { epochs: 6, lrTimesBatch: 0.02, momentum: 0.9, lrDecay: 0.7, seed: 0 };

interface TrainFlags {
  data: string;
  epochs?: string;
  lr?: string;
  momentum?: string;
  lrDecay?: string;
  seed?: string;
  out?: string;
  limit?: string;
  network?: string;
  dtype: string;
  target?: string;
  module?: string;
  weights?: string;
  workers?: string;
}

export function register(program: Command): void {
  program
    .command('train')
    .description('train a network on IDX image/label files (MNIST: --data mnist) with its generated module')
    .argument('<model>', 'the .cnn file')
    .requiredOption('--data <dir>', "directory with train-/t10k- images and labels IDX files (optionally .gz), or 'mnist'")
    .option('--epochs <n>', `passes over the training set (default ${TRAIN_DEFAULTS.epochs})`)
    .option('--lr <x>', `learning rate per summed gradient; the loss is a sum over the batch (default ${TRAIN_DEFAULTS.lrTimesBatch}/T)`)
    .option('--momentum <x>', `SGD momentum (default ${TRAIN_DEFAULTS.momentum})`)
    .option('--lr-decay <x>', `multiply the learning rate by this after every epoch (default ${TRAIN_DEFAULTS.lrDecay})`)
    .option('--seed <n>', 'seed of the initial weights and of the shuffling (default 0)')
    .option('--out <file>', 'weights file, .bin or .json; curves are written beside it (default <network>.bin)')
    .option('--limit <n>', 'use only the first N training and the first N test images (quick runs)')
    .option('--weights <file>', 'start from these weights instead of the seeded initialisation')
    .option('--network <name>', 'which network of the file (default: the first)')
    .option('--dtype <t>', 'f32 or f64', 'f32')
    .option('--target <t>', 'kernels: wasm (default for f32) or js')
    .option('--module <file.js>', 'use this module built by `cnnc build` instead of compiling now')
    .option('--workers <n>', `worker threads sharing each mini-batch (default: the cores, here ${defaultWorkers()}; 1 with --module)`)
    .action(async (file: string, flags: TrainFlags) => {
      const epochs = flags.epochs === undefined ? TRAIN_DEFAULTS.epochs : positiveInt('--epochs', flags.epochs);
      const momentum = flags.momentum === undefined ? TRAIN_DEFAULTS.momentum : numberIn('--momentum', flags.momentum, 0, 1);
      const lrDecay = flags.lrDecay === undefined ? TRAIN_DEFAULTS.lrDecay : numberIn('--lr-decay', flags.lrDecay, 0, 1, true);
      const seed = flags.seed === undefined ? TRAIN_DEFAULTS.seed : seedValue(flags.seed);
      const limit = flags.limit === undefined ? undefined : positiveInt('--limit', flags.limit);
      const dtype = dtypeValue(flags.dtype);
      const target = targetValue(flags.target, dtype);
      const workerCount = workersValue(flags.workers, flags.module, defaultWorkers());
      const lrFlag = flags.lr === undefined ? undefined : numberIn('--lr', flags.lr, 0, 1e6, true);

      const net = pickNetwork(loadModel(file), flags.network);
      // Where the weights and curves go is checked before any training.
      const out = flags.out ?? `${net.name}.bin`;
      const curves = curvePaths(out);
      for (const path of [out, curves.svg, curves.csv]) checkOutputFile(path);
      const dir = resolveDataDir(flags.data);
      const data = { train: loadSplit(dir, 'train', limit), test: loadSplit(dir, 't10k', limit) };
      checkFit(net, data.train);
      checkFit(net, data.test);
      if (data.train.count < net.batch) {
        throw new UserError(`${data.train.file}: ${data.train.count} training images, fewer than one batch of ${net.batch}`);
      }
      const lr = lrFlag ?? TRAIN_DEFAULTS.lrTimesBatch / net.batch;
      // The loop trains on whole batches only.
      const trainedImages = Math.floor(data.train.count / net.batch) * net.batch;

      const { model, meta, workers, close } = await trainingModel(net, { dtype, target, modulePath: flags.module, workers: workerCount, seed });
      try {
        if (flags.weights) loadWeightsFile(model, flags.weights, net);

        const progress = new Progress();
        progress.line(
          `training ${net.name} (${net.totals.params} parameters, batch ${net.batch}, ${dtype}) on ${trainedImages} images` +
            `${trainedImages < data.train.count ? ` (whole batches: ${data.train.count - trainedImages} of ${data.train.count} left out)` : ''}, ` +
            `testing on ${data.test.count}; ${plural(epochs, 'epoch')}, lr ${lr}, momentum ${momentum}` +
            `${lrDecay !== 1 ? `, lr decay ${lrDecay}` : ''}, seed ${seed}, ${workers === 1 ? '1 worker' : `${workers} workers`}`,
        );
        const rows: EpochResult[] = [];
        const title = curvesTitle(net.name, data.train.count, net.batch);
        const save = (): void =>
          writeFilesAtomic([
            { path: out, data: weightsBytes(model, out, net) },
            { path: curves.csv, data: curvesCsv(rows) },
            { path: curves.svg, data: curvesSvg(rows, title) },
          ]);

        const abort = new AbortController();
        let interrupts = 0;
        const onSigint = (): void => {
          interrupts++;
          if (interrupts > 1) {
            progress.line('interrupted again: quitting without saving');
            process.exit(130);
          }
          abort.abort();
          progress.line('Ctrl-C: stopping after this batch and saving the weights (Ctrl-C again quits without saving)');
        };
        process.on('SIGINT', onSigint);
        const started = performance.now();
        let outcome;
        try {
          outcome = await train(model, meta, data, {
            epochs, lr, momentum, lrDecay, seed,
            signal: abort.signal,
            onBatch: (p) => progress.batch(p),
            onEpoch: (r) => {
              rows.push(r);
              progress.epoch(r, epochs);
              save();
            },
          });
        } catch (e) {
          if (!(e instanceof WorkerFailure)) throw e;
          const kept = rows.length ? `the weights saved after epoch ${rows[rows.length - 1]!.epoch} are in ${out}` : `nothing was saved (${out} is as it was)`;
          throw new UserError(`training stopped: ${e.message}; ${kept}`);
        } finally {
          progress.stopBar();
          process.off('SIGINT', onSigint);
        }
        const seconds = (performance.now() - started) / 1000;
        if (outcome.diverged) {
          // The model holds the last finite weights (restored from before the diverging step), so they are saved.
          save();
          const d = outcome.diverged;
          const kept = d.what === 'evaluation' ? `after step ${d.step}` : `before step ${d.step}`;
          throw new UserError(`${divergenceMessage(d, lr)}\nThe last good weights (${kept}) are in ${out}.`);
        }
        if (outcome.stopped) save();
        const last = rows[rows.length - 1];
        const images = outcome.batches * net.batch;
        process.stdout.write(
          `${outcome.stopped ? `stopped after ${plural(outcome.batches, 'batch', 'batches')}` : `trained ${plural(epochs, 'epoch')}`} in ${seconds.toFixed(1)} s ` +
            `(${images} images, ${Math.round(images / seconds)} images/s overall)\n` +
            (last ? `test accuracy after epoch ${last.epoch}: ${(100 * last.testAccuracy).toFixed(2)}%\n` : '') +
            `weights: ${out}\ncurves: ${curves.svg}, ${curves.csv}\n`,
        );
        if (outcome.stopped) process.exitCode = 130;
      } finally {
        await close();
      }
    });
}
