import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  emailedCode,
  launchBrowser,
  newContext,
  signIn,
  signUp,
  startVoyage,
  type Voyage,
  visit,
} from './helpers';

describe('account pages: profile, email confirmation, password change and reset', () => {
  let voyage: Voyage;
  let browser: Browser;
  beforeAll(async () => {
    [voyage, browser] = await Promise.all([startVoyage(), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await voyage?.stop();
  });

  it('edits the profile, confirms the email from its link, changes the password', async () => {
    const context = await newContext(browser, voyage.url);
    const page = await context.newPage();
    await signUp(page, { name: 'Vera Verify', email: 'vera@example.com', password: 'a-long-password-1' });
    await page.getByRole('link', { name: 'Signed in as Vera Verify' }).click();
    await page.getByRole('heading', { name: 'Your account' }).waitFor();
    await page.getByText('Your email address is not confirmed yet.').waitFor();
    await visit(page, 'account');

    await page.getByLabel('Your name').fill('Vera Valid');
    await page.getByRole('button', { name: 'Save profile' }).click();
    await page.getByText('Your profile is saved.').waitFor();
    await page.getByText('Signed in as Vera Valid').waitFor();

    // The link of the confirmation email sent at signup.
    const code = await emailedCode(voyage, 'vera@example.com', 'Confirmation code');
    await page.goto(`/verify-email?token=${code}`);
    await page.getByText('Your email address is confirmed.').waitFor();
    await visit(page, 'verify-email');
    await page.getByRole('link', { name: 'Go to your account' }).click();
    await page.getByText('Your email address is confirmed.').waitFor();
    await expect(page.getByText('Your email address is not confirmed yet.').count()).resolves.toBe(0);
    // A spent link says so in words.
    await page.goto(`/verify-email?token=${code}`);
    await page.getByText('This confirmation link is unknown, used or expired.', { exact: false }).waitFor();

    await page.goto('/account');
    const password = page.getByRole('region', { name: 'Change password' });
    await password.getByLabel('Current password').fill('not-my-password');
    await password.getByLabel('New password').fill('a-newer-password-2');
    await password.getByRole('button', { name: 'Change password' }).click();
    await page.getByText('The current password is not right.').waitFor();
    await password.getByLabel('Current password').fill('a-long-password-1');
    await password.getByRole('button', { name: 'Change password' }).click();
    await page.getByText('Your password is changed. Other devices were signed out.').waitFor();

    await page.getByRole('button', { name: 'Sign out' }).click();
    await signIn(page, { email: 'vera@example.com', password: 'a-newer-password-2' });
    await page.getByText('Signed in as Vera Valid').waitFor();
    await context.close();
  });

  it('forgot password: the request form, the emailed link, a new password, sign in with it', async () => {
    const context = await newContext(browser, voyage.url);
    const page = await context.newPage();
    await signUp(page, { name: 'Fred Forgot', email: 'fred@example.com', password: 'a-long-password-3' });
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByText('You are signed out.').waitFor();

    const asked = Date.now();
    await page.getByRole('link', { name: 'Forgot your password?' }).click();
    await page.getByRole('heading', { name: 'Reset your password' }).waitFor();
    await visit(page, 'forgot-password');
    await page.getByLabel('Email').fill('fred@example.com');
    await page.getByRole('button', { name: 'Send reset link' }).click();
    await page
      .getByText(/If an account uses fred@example.com, an email with a reset link is on its way/)
      .waitFor();

    const code = await emailedCode(voyage, 'fred@example.com', 'Reset code', asked - 1000);
    await page.goto(`/reset-password?token=${code}`);
    await page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
    await visit(page, 'reset-password');
    await page.getByLabel('New password').fill('a-fresh-password-4');
    await page.getByRole('button', { name: 'Save new password' }).click();
    await page.getByText(/Your password is changed and every session has ended/).waitFor();
    await page.getByRole('link', { name: 'Go to sign-in' }).first().click();
    await signIn(page, { email: 'fred@example.com', password: 'a-fresh-password-4' });
    await page.getByText('Signed in as Fred Forgot').waitFor();

    // The link works once.
    await page.goto(`/reset-password?token=${code}`);
    await page.getByLabel('New password').fill('another-password-5');
    await page.getByRole('button', { name: 'Save new password' }).click();
    await page.getByText('This reset link is unknown, used or expired. Ask for a new one.').waitFor();
    await page.getByRole('link', { name: 'Ask for a new reset link' }).waitFor();
    // No token at all.
    await page.goto('/reset-password');
    await page.getByText(/This link is incomplete/).waitFor();
    await context.close();
  });
});
