import type { Command } from 'commander';
import { UserError } from '../../errors.js';

// Placeholder until the command lands; replace the whole file.
export function register(program: Command): void {
  program.command('check').description('(not implemented yet)').allowUnknownOption().argument('[args...]').action(() => {
    throw new UserError('cnnc check: not implemented yet', 1);
  });
}
