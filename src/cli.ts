import { Command } from 'commander';
import { ConfigError } from './config.js';
import { commands } from './ops/commands/index.js';
import { VERSION } from './version.js';

/** The `voyage` CLI: serve | migrate | seed | users | smoke | release | load. */
const program = new Command('voyage')
  .description('Voyage — cars, stays, flights and trips, built to be operated.')
  .version(VERSION)
  .showHelpAfterError();

for (const command of Object.values(commands)) command.register(program);

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
