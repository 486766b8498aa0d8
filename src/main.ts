import { readConfig } from './config/index.js';
import { startTracing } from './platform/observability/tracing.js';
import { VERSION } from './version.js';

/**
 * The `voyage` CLI entry. Tracing instruments http, pg and undici as they load, so a `voyage serve`
 * with an OTLP endpoint starts it first and only then imports the CLI (and with it everything
 * else). Other commands, and a serve without an endpoint, load no tracing code at all.
 */
function roleFromArgv(argv: string[]): string {
  const i = argv.findIndex((a) => a === '--role' || a.startsWith('--role='));
  if (i < 0) return 'all';
  const arg = argv[i]!;
  return (arg.includes('=') ? arg.slice('--role='.length) : argv[i + 1]) || 'all';
}

if (process.argv[2] === 'serve') {
  let tracing: ReturnType<typeof readConfig>['config']['tracing'] | undefined;
  try {
    tracing = readConfig().config.tracing;
  } catch {
    // The CLI reports configuration errors itself, naming the variables.
  }
  if (tracing?.tracesUrl) {
    await startTracing(
      { ...tracing, tracesUrl: tracing.tracesUrl },
      { role: roleFromArgv(process.argv.slice(3)), version: VERSION },
    );
  }
}

await import('./cli/index.js');
