import type { Command } from 'commander';
import { runSmoke } from '../../ops/smoke/run.js';
import { createOutput, table } from '../output.js';
import type { CommandModule } from './types.js';

export const smokeCommand: CommandModule = {
  summary: 'Check a running Voyage end to end',
  register(program: Command) {
    program
      .command('smoke')
      .argument('<url>', 'base URL of a running Voyage, e.g. http://localhost:3000')
      .description(
        'Health, readiness, signup, me, search near a point, book, read back, cancel; then a stay, a flight and a trip (plan, calendar) booked and cleaned up. Exit 1 names the failed step.',
      )
      .option('--lat <lat>', 'latitude to search near', Number, 37.7749)
      .option('--lng <lng>', 'longitude to search near', Number, -122.4194)
      .option('--timeout <ms>', 'per-request timeout in ms', Number, 10_000)
      .option('--json', 'machine-readable output')
      .action(async (url: string, o: { lat: number; lng: number; timeout: number; json?: boolean }) => {
        const out = createOutput(!!o.json);
        out.progress(`Smoke testing ${url}…`);
        const report = await runSmoke(url, { lat: o.lat, lng: o.lng, timeoutMs: o.timeout });
        const rows = [
          ['STEP', 'RESULT', 'MS'],
          ...report.steps.map((s) => [s.name, s.ok ? 'ok' : 'FAILED', String(s.ms)]),
        ];
        const failed = report.steps.find((s) => !s.ok);
        out.result(
          `${table(rows)}\n${report.ok ? `Smoke test passed in ${report.ms} ms.` : `Smoke test FAILED at step "${report.failedStep}": ${failed?.detail}`}`,
          report,
        );
        if (!report.ok) process.exitCode = 1;
      });
  },
};
