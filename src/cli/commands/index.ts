import { backupCommand } from './backup.js';
import { drCommand } from './dr.js';
import { loadCommand } from './load.js';
import { migrateCommand } from './migrate.js';
import { releaseCommand } from './release.js';
import { seedCommand } from './seed.js';
import { serveCommand } from './serve.js';
import { smokeCommand } from './smoke.js';
import type { CommandModule } from './types.js';
import { usersCommand } from './users.js';

/** Every `voyage` command. Each builds the same AppContext the server uses. */
export const commands = {
  serve: serveCommand,
  migrate: migrateCommand,
  seed: seedCommand,
  users: usersCommand,
  smoke: smokeCommand,
  release: releaseCommand,
  load: loadCommand,
  backup: backupCommand,
  dr: drCommand,
} satisfies Record<string, CommandModule>;
