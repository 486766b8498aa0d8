import { defineJobs } from '../../src/server/jobs.js';
import { type SmtpTestServer, startSmtpServer } from './smtp.js';
import { createTestApp, type TestApp } from './test-app.js';

/**
 * A test app that mails through a local SMTP server, with its jobs running: the outbox relays every
 * 200 ms, and a failed email is retried once after 1 s before it becomes a dead letter. Emails link
 * to PUBLIC_URL, so a booking's confirmation carries the booking's id.
 */
export async function startMailingApp(): Promise<{ t: TestApp; smtp: SmtpTestServer }> {
  const smtp = await startSmtpServer();
  const t = await createTestApp({
    env: {
      SMTP_URL: smtp.url,
      OUTBOX_RELAY_INTERVAL: '200ms',
      NOTIFICATION_RETRY_LIMIT: '1',
      NOTIFICATION_RETRY_DELAY: '1s',
      PUBLIC_URL: 'https://voyage.example',
    },
  });
  defineJobs(t.ctx, t.services);
  await t.ctx.jobs.start();
  return { t, smtp };
}
