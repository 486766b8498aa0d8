import type { Command } from 'commander';

/** One CLI command: registers itself (options, --help text, action) on the program. */
export interface CommandModule {
  summary: string;
  register(program: Command): void;
}

/** Parses a whole number option, failing with the option's name. */
export function wholeNumber(name: string) {
  return (value: string) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a whole number (got "${value}")`);
    return n;
  };
}
