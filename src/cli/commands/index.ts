// Every command of the CLI, one file each; the order is the order of `cnnc --help`.
import type { Command } from 'commander';
import { register as build } from './build.js';
import { register as check } from './check.js';
import { register as summary } from './summary.js';
import { register as graph } from './graph.js';
import { register as run } from './run.js';
import { register as bench } from './bench.js';
import { register as train } from './train.js';
import { register as evaluate } from './eval.js';
import { register as exportOnnx } from './export.js';
import { register as fmt } from './fmt.js';
import { register as importOnnx } from './import.js';
import { register as lsp } from './lsp.js';

export const commands: ((program: Command) => void)[] = [build, check, summary, graph, run, bench, train, evaluate, exportOnnx, importOnnx, fmt, lsp];
