import type { Command } from 'commander';
import { UserError } from '../../errors.js';

// Placeholder until the command lands; replace the whole file.
export function register(program: Command): void {
  program.command('run').description('(not implemented yet)').allowUnknownOption().argument('[args...]').action(() => {
    throw new UserError('cnnc run: not implemented yet', 1);
  });
}
