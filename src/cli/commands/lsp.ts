// `cnnc lsp [--stdio]`: the language server (src/lsp/) on stdin and stdout, for editors.
// `--stdio` is what editors pass; stdio is the only transport, so it may be left out.
// stdout carries the protocol: nothing else may be printed there, so console output goes
// to stderr. The process ends when the client sends `exit` or closes stdin.
import type { Command } from 'commander';
import { startServer } from '../../lsp/server.js';

export function register(program: Command): void {
  program
    .command('lsp')
    .description('run the language server on stdin/stdout (for editors)')
    .option('--stdio', 'talk LSP over stdin and stdout (the default and only transport)')
    .action(async () => {
      console.log = console.info = (...args: unknown[]) => { process.stderr.write(`${args.map(String).join(' ')}\n`); };
      startServer(process.stdin, process.stdout);
      // The connection ends the process itself on `exit` or when stdin closes.
      await new Promise<never>(() => {});
    });
}
