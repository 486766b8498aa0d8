import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, newContext, signUp, startVoyage, type Voyage, visit } from './helpers';

// Access tokens last 2 s and refresh tokens 12 s, so that a session refreshes and ends within a test.
describe('account: sign up, in and out; silent refresh; a session that ends', () => {
  let voyage: Voyage;
  let browser: Browser;
  beforeAll(async () => {
    [voyage, browser] = await Promise.all([
      startVoyage({ ACCESS_TOKEN_TTL: '2s', REFRESH_TOKEN_TTL: '12s' }),
      launchBrowser(),
    ]);
  });
  afterAll(async () => {
    await browser?.close();
    await voyage?.stop();
  });

  const session = (page: import('playwright-core').Page) =>
    page.evaluate(() => JSON.parse(localStorage.getItem('voyage.session') ?? 'null'));

  it('sends a protected page to sign-in and back, survives a reload, refreshes silently, signs out', async () => {
    const context = await newContext(browser, voyage.url);
    const page = await context.newPage();
    await page.goto('/bookings');
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(page.url()).toContain('next=%2Fbookings');
    await page.getByText('Sign in to continue.').waitFor();
    await visit(page, 'sign-in');
    await page.getByRole('link', { name: 'Create account' }).last().click();
    await page.getByRole('heading', { name: 'Create your account' }).waitFor();
    await visit(page, 'sign-up');
    await page.getByLabel('Your name').fill('Sam Session');
    await page.getByLabel('Email').fill('sam@example.com');
    await page.getByLabel('Password').fill('a-long-password-1');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('heading', { name: 'My bookings' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/bookings');

    await page.reload();
    await page.getByText('Signed in as Sam Session').waitFor();
    const before = (await session(page)).refreshToken;
    await page.waitForTimeout(2500); // the access token has expired
    await page.goto('/trips');
    await page.getByRole('heading', { name: 'Trips' }).waitFor();
    await page.getByText('No trips yet. Create one to plan your days.').waitFor();
    expect((await session(page)).refreshToken).not.toBe(before);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByText('You are signed out.').waitFor();
    expect(await session(page)).toBeNull();
    await context.close();
  });

  it('a reused refresh token sends the user to sign-in with a clear message', async () => {
    const context = await newContext(browser, voyage.url);
    const page = await context.newPage();
    await signUp(page, { name: 'Rita Reuse', email: 'rita@example.com' });
    const stolen = (await session(page)).refreshToken;
    // Someone else uses the refresh token first; the app's own use of it is then a reuse.
    const res = await page.request.post('/auth/refresh', { data: { refreshToken: stolen } });
    expect(res.status()).toBe(200);
    await page.waitForTimeout(2500);
    await page.goto('/bookings');
    await page.getByText(/your session was used from somewhere else/).waitFor();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await context.close();
  });

  it('a refresh token expiring mid-session ends it: sign in again and land back on the page', async () => {
    const context = await newContext(browser, voyage.url);
    const page = await context.newPage();
    await signUp(page, { name: 'Eve Expiry', email: 'eve@example.com', password: 'a-long-password-2' });
    await page.goto('/trips');
    await page.getByRole('heading', { name: 'Trips' }).waitFor();
    await page.waitForTimeout(13_000); // both tokens have expired
    await page.getByRole('link', { name: 'My bookings' }).click();
    await page.getByText('Your session ended. Please sign in again.').waitFor();
    await page.getByLabel('Email').fill('eve@example.com');
    await page.getByLabel('Password').fill('a-long-password-2');
    await page.getByRole('button', { name: 'Sign in', exact: true }).last().click();
    await page.getByRole('heading', { name: 'My bookings' }).waitFor();
    await context.close();
  });
});
