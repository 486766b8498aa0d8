import pino, { type Logger, type LoggerOptions } from 'pino';
import { activeTraceIds } from './trace-context.js';

export type { Logger };

/** Paths never written to logs, wherever they appear in a logged object. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  'password',
  '*.password',
  '*.newPassword',
  'refreshToken',
  '*.refreshToken',
  'accessToken',
  '*.accessToken',
  'secret',
  '*.secret',
  'token',
  '*.token',
  'currentPassword',
  '*.currentPassword',
  'req.headers["proxy-authorization"]',
  'headers["proxy-authorization"]',
];

export function loggerOptions(level: string, base: Record<string, unknown> = {}): LoggerOptions {
  return {
    level,
    base: { service: 'voyage', ...base },
    timestamp: pino.stdTimeFunctions.isoTime,
    messageKey: 'msg',
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    // Lines written while a span is active (a request, a query, a job) carry its trace id.
    mixin: () => activeTraceIds() ?? {},
  };
}

/** JSON lines to stdout (servers) or stderr (commands, whose stdout is their result). */
export function createLogger(level: string, base: Record<string, unknown> = {}, fd: 1 | 2 = 1): Logger {
  return pino(loggerOptions(level, base), pino.destination({ fd, sync: fd === 2 }));
}
