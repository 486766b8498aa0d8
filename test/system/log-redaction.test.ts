import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { SECRETS, startVoyage, tempDir, waitFor } from './helpers/processes.js';

/**
 * A full run at debug level: sign up, sign in (wrong and right), refresh, a trip with a private
 * calendar feed fetched by its token. The process's whole output never contains a password, an
 * access or refresh token, or the feed token.
 */
describe('logs of a full run hold no credentials', () => {
  it('passwords, tokens and feed tokens are never written', async () => {
    const data = await tempDir();
    const proc = await startVoyage({
      DATA_DIR: data.dir,
      DEMO_DATA: 'false',
      LOG_LEVEL: 'debug',
      ...SECRETS,
    });
    try {
      await waitFor(`${proc.url}/health/ready`, 200, 120_000, proc);
      const json = { 'content-type': 'application/json' };
      const password = 'a very private passphrase 42';
      const email = 'redaction@example.com';
      const signup = await fetch(`${proc.url}/auth/signup`, {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ email, password, name: 'Red Action' }),
      });
      expect(signup.status).toBe(201);
      const wrongPassword = 'the wrong passphrase 99';
      expect(
        (
          await fetch(`${proc.url}/auth/login`, {
            method: 'POST',
            headers: json,
            body: JSON.stringify({ email, password: wrongPassword }),
          })
        ).status,
      ).toBe(401);
      const login = (await (
        await fetch(`${proc.url}/auth/login`, {
          method: 'POST',
          headers: json,
          body: JSON.stringify({ email, password }),
        })
      ).json()) as { accessToken: string; refreshToken: string };
      const refreshed = (await (
        await fetch(`${proc.url}/auth/refresh`, {
          method: 'POST',
          headers: json,
          body: JSON.stringify({ refreshToken: login.refreshToken }),
        })
      ).json()) as { accessToken: string; refreshToken: string };
      const auth = { ...json, authorization: `Bearer ${refreshed.accessToken}` };
      const day = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);
      const trip = (await (
        await fetch(`${proc.url}/trips`, {
          method: 'POST',
          headers: auth,
          body: JSON.stringify({
            name: 'Quiet trip',
            destination: 'Lisbon',
            timeZone: 'Europe/Lisbon',
            startDate: day(20),
            endDate: day(22),
          }),
        })
      ).json()) as { id: string };
      const bearer = { authorization: auth.authorization };
      const feed = await fetch(`${proc.url}/trips/${trip.id}/calendar-feed`, {
        method: 'POST',
        headers: bearer,
      });
      expect(feed.status).toBe(201);
      const feedUrl = new URL(((await feed.json()) as { url: string }).url);
      const feedToken = /\/calendar\/([^/]+)\.ics$/.exec(feedUrl.pathname)![1]!;
      expect((await fetch(`${proc.url}${feedUrl.pathname}?token=${feedToken}`)).status).toBe(200);
      expect((await fetch(`${proc.url}/auth/me`, { headers: bearer })).status).toBe(200);
      await sleep(300);
      await proc.stop();
      const out = proc.output();
      expect(out).toMatch(/"route":"\/calendar\/:token\.ics"/);
      expect(out).toContain('[redacted]');
      for (const secret of [
        password,
        wrongPassword,
        login.accessToken,
        login.refreshToken,
        refreshed.accessToken,
        refreshed.refreshToken,
        feedToken,
      ]) {
        expect(out.includes(secret), `a credential appears in the logs: ${secret.slice(0, 12)}…`).toBe(false);
      }
    } finally {
      await proc.stop('SIGKILL');
      await data.remove();
    }
  }, 180_000);
});
