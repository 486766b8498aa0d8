import { defineModule, job } from '../module.js';
import { notificationsRoutes } from './routes.js';
import { DELIVER_JOB, type NotificationsService } from './service.js';

export const notificationsModule = defineModule<NotificationsService>({
  name: 'notifications',
  routes: notificationsRoutes,
  jobs: (notifications, { config }) => ({
    jobs: [
      job({
        name: DELIVER_JOB,
        retryLimit: config.notifications.retryLimit,
        retryDelaySeconds: config.notifications.retryDelaySeconds,
        concurrency: 2,
        handler: async ({ eventId }) => {
          await notifications.deliver(eventId);
        },
      }),
    ],
    // The outbox relay polls: pg-boss schedules run once a minute at best.
    loops: [
      {
        name: 'notifications.relay',
        intervalMs: config.notifications.relayIntervalMs,
        run: () => notifications.relayPending(),
      },
    ],
  }),
});
