// `cnnc fmt [FILE…] [--write | --check]`: the canonical layout of src/format/. No file:
// stdin to stdout. Files: the formatted text on stdout, or rewritten in place (--write),
// or only checked (--check: exit 1 and the names of the files that would change). A file
// with syntax errors is reported with its diagnostics and left alone (exit 1).
import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { UsageError, UserError } from '../../errors.js';
import { DEFAULT_LIMITS, readSource } from '../../frontend/index.js';
import { countLine, formatDiagnostics } from '../../diagnostics/format.js';
import { formatSource } from '../../format/index.js';
import { writeFileAtomic } from '../../util/atomic-write.js';

interface FmtOptions { write?: boolean; check?: boolean }

function readStdin(): string {
  let text: string;
  try {
    text = readFileSync(0, 'utf8');
  } catch (e) {
    throw new UserError(`cnnc fmt: cannot read standard input: ${(e as Error).message}`);
  }
  const max = DEFAULT_LIMITS.maxSourceBytes;
  if (Buffer.byteLength(text) > max) throw new UserError(`cnnc fmt: standard input holds more than ${max.toLocaleString('en-US')} bytes (maxSourceBytes); a model is a few kilobytes [E045]`);
  return text;
}

export function register(program: Command): void {
  program
    .command('fmt')
    .description('format .cnn files in the one canonical layout (no file: stdin to stdout)')
    .argument('[files...]', 'the .cnn files')
    .option('--write', 'rewrite the files in place')
    .option('--check', 'change nothing; exit 1 and name the files that are not formatted')
    .action((files: string[], opts: FmtOptions) => {
      if (opts.write && opts.check) throw new UsageError('cnnc fmt: --write and --check cannot be used together');
      if (files.length === 0 && opts.write) throw new UsageError('cnnc fmt: --write needs FILE arguments (without files, fmt reads stdin and writes stdout)');
      const inputs = files.length === 0
        ? [{ name: '<stdin>', text: readStdin().replace(/^\uFEFF/, '') }]
        : files.map((f) => ({ name: f, text: readSource(f) }));
      const problems: string[] = [];
      const unformatted: string[] = [];
      for (const { name, text } of inputs) {
        const r = formatSource(text);
        if (!r.ok) {
          problems.push(`${formatDiagnostics(r.diagnostics, name, text)}\n${countLine(r.diagnostics)}; ${name} not formatted`);
          continue;
        }
        if (opts.check) {
          if (r.changed) unformatted.push(name);
        } else if (opts.write) {
          if (r.changed) {
            writeFileAtomic(name, r.text);
            process.stderr.write(`formatted ${name}\n`);
          }
        } else {
          process.stdout.write(r.text);
        }
      }
      const notFormatted = unformatted.map((n) => `${n}: not formatted (cnnc fmt --write ${n})`);
      if (problems.length > 0 || notFormatted.length > 0) throw new UserError([...notFormatted, ...problems].join('\n'));
    });
}
