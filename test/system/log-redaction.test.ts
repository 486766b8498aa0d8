import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { SECRETS, startVoyage, tempDir, type VoyageProcess, waitFor } from './helpers/processes.js';

/**
 * A full run at debug level, through a gateway: sign up, sign in (wrong and right), refresh, a trip
 * with a private calendar feed fetched by its token. Neither the gateway's nor the server's whole
 * output contains a password, an access or refresh token, or the feed token.
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
    let gateway: VoyageProcess | undefined;
    try {
      await waitFor(`${proc.url}/health/ready`, 200, 120_000, proc);
      gateway = await startVoyage(
        { GATEWAY_UPSTREAMS: `*=${proc.url}`, LOG_LEVEL: 'debug', RATE_LIMIT_MAX: '0', ...SECRETS },
        ['--role', 'gateway'],
      );
      await waitFor(`${gateway.url}/health/ready`, 200, 60_000, gateway);
      const base = gateway.url;
      const json = { 'content-type': 'application/json' };
      const password = 'a very private passphrase 42';
      const email = 'redaction@example.com';
      const signup = await fetch(`${base}/auth/signup`, {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ email, password, name: 'Red Action' }),
      });
      expect(signup.status).toBe(201);
      const wrongPassword = 'the wrong passphrase 99';
      expect(
        (
          await fetch(`${base}/auth/login`, {
            method: 'POST',
            headers: json,
            body: JSON.stringify({ email, password: wrongPassword }),
          })
        ).status,
      ).toBe(401);
      const login = (await (
        await fetch(`${base}/auth/login`, {
          method: 'POST',
          headers: json,
          body: JSON.stringify({ email, password }),
        })
      ).json()) as { accessToken: string; refreshToken: string };
      const refreshed = (await (
        await fetch(`${base}/auth/refresh`, {
          method: 'POST',
          headers: json,
          body: JSON.stringify({ refreshToken: login.refreshToken }),
        })
      ).json()) as { accessToken: string; refreshToken: string };
      const auth = { ...json, authorization: `Bearer ${refreshed.accessToken}` };
      const day = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);
      const trip = (await (
        await fetch(`${base}/trips`, {
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
      const feed = await fetch(`${base}/trips/${trip.id}/calendar-feed`, {
        method: 'POST',
        headers: bearer,
      });
      expect(feed.status).toBe(201);
      const feedUrl = new URL(((await feed.json()) as { url: string }).url);
      const feedToken = /\/calendar\/([^/]+)\.ics$/.exec(feedUrl.pathname)![1]!;
      expect((await fetch(`${base}${feedUrl.pathname}?token=${feedToken}`)).status).toBe(200);
      expect((await fetch(`${base}/auth/me`, { headers: bearer })).status).toBe(200);
      await sleep(300);
      await gateway.stop();
      await proc.stop();
      const out = proc.output();
      expect(out).toMatch(/"route":"\/calendar\/:token\.ics"/);
      expect(out).toContain('[redacted]');
      const gatewayOut = gateway.output();
      expect(gatewayOut).toMatch(/"url":"\/calendar\/\[redacted\]\?token=\[redacted\]"/);
      expect(gatewayOut).toMatch(/"url":"\/auth\/me"/);
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
        expect(
          gatewayOut.includes(secret),
          `a credential appears in the gateway's logs: ${secret.slice(0, 12)}…`,
        ).toBe(false);
      }
    } finally {
      await gateway?.stop('SIGKILL');
      await proc.stop('SIGKILL');
      await data.remove();
    }
  }, 180_000);
});
