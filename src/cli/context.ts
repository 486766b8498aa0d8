import { readConfig } from '../config/index.js';
import { createLogger } from '../platform/observability/logger.js';
import { type AppContext, type ContextOverrides, createContext } from '../server/context.js';

/**
 * Ops commands build the same AppContext as the server. Their logs go to stderr at `warn` unless
 * asked for more (--log-level), so that command output stays readable.
 */
export async function openContext(opts: { logLevel?: string } & ContextOverrides = {}): Promise<AppContext> {
  const { logLevel, ...overrides } = opts;
  const { config, secrets } = readConfig();
  const log = createLogger(logLevel ?? 'warn', { role: 'cli' }, 2);
  return createContext(config, secrets, { log, ...overrides });
}

export async function withContext<T>(
  fn: (ctx: AppContext) => Promise<T>,
  opts: { logLevel?: string } = {},
): Promise<T> {
  const ctx = await openContext(opts);
  try {
    return await fn(ctx);
  } finally {
    await ctx.close();
  }
}
