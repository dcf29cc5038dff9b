// Every subcommand registers itself here, in the order `--help` lists them.
import type { Command } from 'commander';
import { register as load } from './load.ts';
import { register as generate } from './generate.ts';

export function registerCommands(program: Command): void {
  for (const register of [load, generate]) register(program);
}
