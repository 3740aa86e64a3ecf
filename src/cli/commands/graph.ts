import type { Command } from 'commander';
import { UserError } from '../../errors.js';

// Placeholder until the command lands; replace the whole file.
export function register(program: Command): void {
  program.command('graph').description('(not implemented yet)').allowUnknownOption().argument('[args...]').action(() => {
    throw new UserError('cnnc graph: not implemented yet', 1);
  });
}
