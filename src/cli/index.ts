import { Command } from 'commander';
import { ConfigError } from '../config/index.js';
import { VERSION } from '../version.js';

/** The `voyage` CLI: serve | migrate | seed | users | smoke | release | load. */
const program = new Command('voyage')
  .description('Voyage — cars, stays, flights and trips, built to be operated.')
  .version(VERSION)
  .showHelpAfterError();

// `voyage release …` is what an operator runs during an incident (a rollback is timed in seconds):
// it loads only the release group, not the whole service, whose modules take seconds to import.
const registered =
  process.argv[2] === 'release'
    ? [(await import('./commands/release.js')).releaseCommand]
    : Object.values((await import('./commands/index.js')).commands);
for (const command of registered) command.register(program);

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
