import { Command } from 'commander';
import { ConfigError } from '../config/index.js';
import { VERSION } from '../version.js';
import { type CommandName, commands } from './commands/index.js';

/** The `voyage` CLI: serve | migrate | seed | users | smoke | release | load | backup | dr. */
const program = new Command('voyage')
  .description('Voyage — cars, stays, flights and trips, built to be operated.')
  .version(VERSION)
  .showHelpAfterError();

// Only the command being run is loaded; help and unknown commands load them all.
const name = process.argv[2];
const loaders = Object.hasOwn(commands, name ?? '')
  ? [commands[name as CommandName]]
  : Object.values(commands);
for (const command of await Promise.all(loaders.map((load) => load()))) command.register(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`voyage: ${(err as Error).message}\n`);
  process.exit(1);
}
