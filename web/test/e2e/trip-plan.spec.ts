import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEMO,
  emailedCode,
  launchBrowser,
  newContext,
  pickPlace,
  signUp,
  startVoyage,
  type Voyage,
  visit,
} from './helpers';

describe('trip page: a plan from interests, pace and must-sees; notes; removing a collaborator', () => {
  let voyage: Voyage;
  let browser: Browser;
  beforeAll(async () => {
    [voyage, browser] = await Promise.all([startVoyage(), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await voyage?.stop();
  });

  it('plans with the chosen interests, pace and must-see; adds a note; the owner removes a collaborator', async () => {
    // The collaborator-to-be needs an account before the invitation.
    const coraContext = await newContext(browser, voyage.url);
    const cora = await coraContext.newPage();
    await signUp(cora, { name: 'Cora Collab', email: 'cora@example.com' });
    // Trips are shared with confirmed addresses only.
    await cora.goto(
      `/verify-email?token=${await emailedCode(voyage, 'cora@example.com', 'Confirmation code')}`,
    );
    await cora.getByText('Your email address is confirmed.').waitFor();

    const context = await newContext(browser, voyage.url);
    const page = await context.newPage();
    await signUp(page, { name: 'Olive Owner', email: 'olive@example.com' });
    await page.goto('/trips');
    await page.getByLabel('Trip name').fill('Museums of Paris');
    await pickPlace(page, 'City', 'Paris', /^Paris, FR$/);
    await page.getByRole('button', { name: 'Create trip' }).click();
    await page.getByRole('heading', { name: 'Museums of Paris' }).waitFor();
    const tripUrl = page.url();

    // A note on the second day, and one without a day.
    await page.getByLabel('Note title').fill('Dinner');
    await page.getByLabel('Note text').fill('Le Train Bleu, table for two at 20:00');
    await page.getByLabel('Day of the note').selectOption({ index: 2 });
    await page.getByRole('button', { name: 'Add a note' }).click();
    await page.getByText('Le Train Bleu, table for two at 20:00').waitFor();
    await page.getByText('The note is on the trip.').waitFor();
    expect(await page.getByLabel('Note title').inputValue()).toBe('');
    await page.getByLabel('Note title').fill('Packing');
    await page.getByLabel('Note text').fill('Umbrella and comfortable shoes');
    await page.getByRole('button', { name: 'Add a note' }).click();
    await page.getByRole('heading', { name: 'Outside the trip’s days or without a time' }).waitFor();
    await page.getByText('Umbrella and comfortable shoes').waitFor();

    // The plan form: interests, pace, a must-see from the catalogue.
    const interests = page.getByRole('group', { name: 'Interests' });
    await interests.getByText('Museums', { exact: true }).click();
    await interests.getByText('Parks', { exact: true }).click();
    await page.getByLabel('Pace').selectOption('packed');
    const mustSee = page.getByRole('group', { name: 'Must-sees' });
    const firstMustSee = mustSee.getByRole('checkbox').first();
    const mustSeeName = (await firstMustSee.evaluate((el) => el.closest('label')!.textContent ?? '')).trim();
    expect(mustSeeName.length).toBeGreaterThan(0);
    await mustSee.getByText(mustSeeName, { exact: true }).click();
    expect(await firstMustSee.isChecked()).toBe(true);
    await visit(page, 'trip-plan-form');
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/plan')),
      page.getByRole('button', { name: 'Generate plan' }).click(),
    ]);
    // The plan as Voyage stored it names the request it was made from.
    expect(response.status()).toBe(201);
    const made = (
      (await response.json()) as { request: { interests: string[]; pace: string; mustSee: string[] } }
    ).request;
    expect([...made.interests].sort()).toEqual(['museum', 'park']);
    expect(made.pace).toBe('packed');
    expect(made.mustSee).toHaveLength(1);
    const plan = page.getByRole('region', { name: 'Suggested plan' });
    await plan.waitFor();
    await plan.getByText(mustSeeName, { exact: false }).first().waitFor();

    // Collaborators: an editor and a viewer; the owner removes the editor after confirming.
    for (const [email, role] of [
      ['cora@example.com', 'editor'],
      [DEMO.email, 'viewer'],
    ] as const) {
      await page.getByLabel('Their email').fill(email);
      await page.getByLabel('Role').selectOption(role);
      await page.getByRole('button', { name: 'Invite' }).click();
      await page.getByText(`${email} · ${role === 'editor' ? 'Editor' : 'Viewer'}`).waitFor();
    }
    await cora.goto(tripUrl);
    await cora.getByRole('heading', { name: 'Museums of Paris' }).waitFor();
    // An editor may add notes but cannot remove anyone.
    await cora.getByLabel('Note title').waitFor();
    expect(await cora.getByRole('button', { name: /^Remove / }).count()).toBe(0);

    await page.getByRole('button', { name: 'Remove cora@example.com' }).click();
    const dialog = page.getByRole('alertdialog', { name: 'Stop sharing this trip with cora@example.com?' });
    await dialog.waitFor();
    await visit(page, 'trip-remove-collaborator');
    await dialog.getByRole('button', { name: 'Keep sharing' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByText('cora@example.com · Editor').waitFor();

    await page.getByRole('button', { name: 'Remove cora@example.com' }).click();
    await dialog.getByRole('button', { name: 'Remove from trip' }).click();
    await page.getByText('cora@example.com is no longer on this trip.').waitFor();
    await page.getByText('cora@example.com · Editor').waitFor({ state: 'detached' });
    await page.getByText(`${DEMO.email} · Viewer`).waitFor();
    await visit(page, 'trip-collaborators');

    // The removed editor no longer sees the trip.
    await cora.reload();
    await cora.getByText('This trip does not exist, or it was not shared with you.').waitFor();
    await coraContext.close();
    await context.close();
  });
});
