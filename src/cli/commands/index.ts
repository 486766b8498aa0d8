import type { CommandModule } from './types.js';

/**
 * Every `voyage` command, loaded on use: a command imports only what it runs, so that
 * `voyage release rollback` (timed in seconds during an incident) and the gateway role do not load
 * the modules. Each command builds the same AppContext the server uses.
 */
export const commands = {
  serve: async () => (await import('./serve.js')).serveCommand,
  migrate: async () => (await import('./migrate.js')).migrateCommand,
  seed: async () => (await import('./seed.js')).seedCommand,
  users: async () => (await import('./users.js')).usersCommand,
  smoke: async () => (await import('./smoke.js')).smokeCommand,
  release: async () => (await import('./release.js')).releaseCommand,
  load: async () => (await import('./load.js')).loadCommand,
  backup: async () => (await import('./backup.js')).backupCommand,
  dr: async () => (await import('./dr.js')).drCommand,
} satisfies Record<string, () => Promise<CommandModule>>;

export type CommandName = keyof typeof commands;
