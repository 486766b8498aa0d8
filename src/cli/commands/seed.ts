import type { Command } from 'commander';
import { seed } from '../../demo/seed.js';
import { seedTravelCatalogue } from '../../demo/seed-travel.js';
import { createServices } from '../../server/services.js';
import { withContext } from '../context.js';
import { createOutput } from '../output.js';
import { type CommandModule, wholeNumber } from './types.js';

export const seedCommand: CommandModule = {
  summary: 'Load deterministic demo or benchmark data',
  register(program: Command) {
    program
      .command('seed')
      .description(
        'Load deterministic data: demo cities and locations, cars, seeded users and bookings, and the travel catalogue (points of interest, airports and flights, hotels with rooms on sale). Re-running is safe.',
      )
      .option('--cars <n>', 'cars to create', wholeNumber('--cars'), 2000)
      .option('--bookings <n>', 'bookings to create', wholeNumber('--bookings'), 400)
      .option('--seed <s>', 'random seed; the same seed gives the same rows', wholeNumber('--seed'), 1)
      .option('--json', 'machine-readable output')
      .action(async (o: { cars: number; bookings: number; seed: number; json?: boolean }) => {
        const out = createOutput(!!o.json);
        await withContext(async (ctx) => {
          const summary = await seed(ctx, {
            cars: o.cars,
            bookings: o.bookings,
            seed: o.seed,
            progress: out.progress,
          });
          out.progress('  travel catalogue: points of interest, airports and flights, hotels');
          const travel = await seedTravelCatalogue(ctx, createServices(ctx));
          out.result(
            `Seeded ${summary.locations} locations, ${summary.cars} cars, ${summary.users} users and ${summary.bookings} bookings in ${(summary.ms / 1000).toFixed(1)} s; ` +
              `${travel.pois} points of interest, ${travel.airports} airports, ${travel.routes} routes (${travel.flights} new flights), ${travel.properties} hotels (${travel.roomNights} new room-nights).`,
            { ...summary, travel },
          );
        });
      });
  },
};
