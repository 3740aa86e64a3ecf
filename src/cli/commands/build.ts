import type { Command } from 'commander';
import { UserError } from '../../errors.js';

// Placeholder until the command lands; replace the whole file.
export function register(program: Command): void {
  program.command('build').description('(not implemented yet)').allowUnknownOption().argument('[args...]').action(() => {
    throw new UserError('cnnc build: not implemented yet', 1);
  });
}
