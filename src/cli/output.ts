/**
 * Command output: progress lines for people on stderr, results on stdout; with --json, one JSON
 * document on stdout and nothing else there.
 */
export interface Output {
  json: boolean;
  progress(message: string): void;
  result(human: string, data: unknown): void;
}

export function createOutput(json: boolean): Output {
  return {
    json,
    progress(message) {
      if (!json) process.stderr.write(`${message}\n`);
    },
    result(human, data) {
      process.stdout.write(json ? `${JSON.stringify(data, null, 2)}\n` : `${human}\n`);
    },
  };
}

export function table(rows: (string | number)[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => String(r[i] ?? '').length))) ?? [];
  return rows
    .map((r) =>
      r
        .map((c, i) => String(c).padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
