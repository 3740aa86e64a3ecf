// `cnnc import MODEL.onnx [-o MODEL.cnn] [--weights-out W.bin] [--batch T] [--name NAME]`: an
// ONNX model as a .cnn source and its weights (src/onnx/import.ts says what is read). Both
// files are written together (staging folder, then renames) and only when the whole model
// was read; a model the language cannot say exactly is refused with every offending node,
// its op and the reason (exit 1), and nothing is written.
import type { Command } from 'commander';
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { UsageError, UserError } from '../../errors.js';
import { DEFAULT_LIMITS } from '../../frontend/index.js';
import { KEYWORDS } from '../../../grammar/tokens.js';
import { importOnnx } from '../../onnx/import.js';
import { encodeWeightsBinary, weightsToJson } from '../../weights/index.js';
import { checkOutputFile, writeFilesAtomic } from '../../util/atomic-write.js';
import { describeFsError } from '../../util/fs-errors.js';
import { positiveInt } from '../options.js';

interface ImportFlags { output?: string; weightsOut?: string; batch?: string; name?: string }

/** The file a model is read from: at most 2 GiB (protobuf's own limit), a regular file. */
function readModel(path: string): Uint8Array {
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new UserError(`${path}: not a regular file`);
    if (st.size > 2 ** 31 - 1) throw new UserError(`${path}: ${st.size.toLocaleString('en-US')} bytes, more than an ONNX file can hold (2 GiB)`);
    return readFileSync(path);
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw new UserError(`cannot read ${path}: ${describeFsError(e)}`);
  }
}

const withExtension = (path: string, ext: string) => path.replace(/(\.[^./\\]*)?$/, ext);

export function register(program: Command): void {
  program
    .command('import')
    .description('read an ONNX model the .cnn language can say exactly: writes MODEL.cnn and its weights')
    .argument('<model>', 'the .onnx file')
    .option('-o, --output <file>', 'the .cnn file to write (default: the model\'s name with .cnn)')
    .option('--weights-out <file>', 'the weights file: .bin, or .json for JSON (default: the .cnn file\'s name with .bin)')
    .option('--batch <T>', 'the network\'s batch (default: the model\'s fixed batch, else 1)')
    .option('--name <name>', 'the network\'s name (default: the graph\'s name)')
    .action((file: string, flags: ImportFlags) => {
      const batch = flags.batch === undefined ? undefined : positiveInt('--batch', flags.batch);
      if (batch !== undefined && batch > DEFAULT_LIMITS.maxBatch) throw new UsageError(`--batch ${batch}: at most ${DEFAULT_LIMITS.maxBatch} (maxBatch)`);
      if (flags.name !== undefined && (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(flags.name) || KEYWORDS.includes(flags.name))) {
        throw new UsageError(`--name ${flags.name}: a network name is a word of letters, digits and _ that is not a keyword`);
      }
      const output = flags.output ?? withExtension(file, '.cnn');
      const weightsOut = flags.weightsOut ?? withExtension(output, '.bin');
      for (const [what, path] of [['-o', output], ['--weights-out', weightsOut]] as const) {
        if (resolve(path) === resolve(file)) throw new UsageError(`cnnc import: ${what} ${path} is the model file; name a new file`);
      }
      if (resolve(output) === resolve(weightsOut)) throw new UsageError(`cnnc import: -o and --weights-out are the same file ${output}`);
      checkOutputFile(output);
      checkOutputFile(weightsOut);
      const imported = importOnnx(readModel(file), { file, batch, name: flags.name });
      const { network: net, weights } = imported;
      const weightBytes = /\.json$/i.test(weightsOut) ? `${JSON.stringify(weightsToJson(net, weights))}\n` : encodeWeightsBinary(net, weights);
      writeFilesAtomic([{ path: output, data: imported.source }, { path: weightsOut, data: weightBytes }]);
      for (const note of imported.notes) process.stderr.write(`${note}\n`);
      const { c, h, w } = net.input;
      process.stdout.write(
        `${file}: network ${net.name}, input ${c}x${h}x${w} batch ${net.batch}, ${net.layers.length} layers (${net.layers.map((l) => l.op).join(' ')}) → ${output}, ${weightsOut}\n`,
      );
    });
}
