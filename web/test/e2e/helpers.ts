import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AxeBuilder } from '@axe-core/playwright';
import { generate } from 'otplib';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { expect } from 'vitest';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const SCREENSHOTS = path.join(ROOT, 'web', 'test', 'screenshots');
export const DEMO = { email: 'demo@voyage.example', password: 'voyage-demo-password' };

export interface Voyage {
  url: string;
  dataDir: string;
  stop(): Promise<void>;
}

/** A real Voyage process on a fresh data dir with demo data, on a free port. */
export async function startVoyage(env: Record<string, string> = {}): Promise<Voyage> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'voyage-e2e-'));
  const child: ChildProcess = spawn(process.execPath, [path.join(ROOT, 'bin', 'voyage.js'), 'serve'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? dataDir,
      DATA_DIR: dataDir,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      RATE_LIMIT_MAX: '0',
      AUTH_RATE_LIMIT_MAX: '0',
      BACKUP_SCHEDULE: 'off',
      // Tiles from a closed port: the app must work without them.
      MAP_TILE_URL: 'http://127.0.0.1:9/{z}/{x}/{y}.png',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Voyage did not start:\n${output}`)), 180_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const m = /Voyage is running at (http:\/\/\S+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stderr!.on('data', onData);
    child.stdout!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`Voyage exited (${code}):\n${output}`)));
  });
  return {
    url,
    dataDir,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

export async function newContext(browser: Browser, baseURL: string, width = 1280): Promise<BrowserContext> {
  return browser.newContext({
    baseURL,
    viewport: { width, height: 900 },
    locale: 'en-GB',
    timezoneId: 'UTC',
    acceptDownloads: true,
  });
}

/** 0 serious or critical axe violations on the page as it is now. */
export async function checkA11y(page: Page, name: string) {
  // A sandboxed frame (an email shown as sent) runs no scripts, so axe cannot run inside it.
  const result = await new AxeBuilder({ page })
    .exclude('.leaflet-container')
    .exclude('iframe[sandbox]')
    .analyze();
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(
    bad.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`),
    `axe on ${name}`,
  ).toEqual([]);
}

/** Screenshots of the page at 375 and 1280 px wide, under web/test/screenshots (git-ignored). */
export async function screenshots(page: Page, name: string) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const size = page.viewportSize() ?? { width: 1280, height: 900 };
  for (const width of [375, 1280]) {
    await page.setViewportSize({ width, height: 900 });
    await page.waitForTimeout(150);
    await page.screenshot({ path: path.join(SCREENSHOTS, `${name}-${width}.png`), fullPage: true });
  }
  await page.setViewportSize(size);
}

/** Axe and screenshots: what every main page gets. */
export async function visit(page: Page, name: string) {
  await checkA11y(page, name);
  await screenshots(page, name);
}

export async function signUp(page: Page, who: { name: string; email: string; password?: string }) {
  await page.goto('/signup');
  await page.getByLabel('Your name').fill(who.name);
  await page.getByLabel('Email').fill(who.email);
  await page.getByLabel('Password').fill(who.password ?? 'a-long-password-1');
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByText(`Signed in as ${who.name}`).waitFor();
}

export async function signIn(page: Page, who: { email: string; password: string }) {
  await page.goto('/signin');
  await page.getByLabel('Email').fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).last().click();
}

/** Picks a place from the combobox by typing its name. */
export async function pickPlace(page: Page, label: string, text: string, option: string | RegExp) {
  const box = page.getByRole('combobox', { name: label });
  await box.fill(text);
  await page.getByRole('option', { name: option }).first().click();
}

/**
 * The code of the newest email to an address whose text names `row` ("Reset code", "Confirmation
 * code"): Voyage without SMTP writes each email as an .eml file under DATA_DIR/mail.
 */
export async function emailedCode(voyage: Voyage, to: string, row: string, after = 0): Promise<string> {
  const dir = path.join(voyage.dataDir, 'mail');
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const files = existsSync(dir) ? readdirSync(dir).sort().reverse() : [];
    for (const f of files) {
      const file = path.join(dir, f);
      if (statSync(file).mtimeMs < after) continue;
      // Quoted-printable soft line breaks may split a long code.
      const text = readFileSync(file, 'utf8').replace(/=\r?\n/g, '');
      if (!text.includes(to)) continue;
      const m = new RegExp(`${row}[\\s\\S]{0,120}?([A-Za-z0-9_-]{32})`).exec(text);
      if (m) return m[1]!;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`no email to ${to} with a ${row} in ${dir}`);
}

export const ADMIN = { email: 'admin@voyage.example', password: 'voyage-admin-password' };

/**
 * Signs an admin in (the demo admin unless told), turns on two-factor authentication, and opens
 * the console's overview.
 */
export async function openConsoleWithMfa(page: Page, who: { email: string; password: string } = ADMIN) {
  await signIn(page, who);
  await page.getByRole('link', { name: 'Console' }).click();
  await page.getByRole('button', { name: 'Set up an authenticator app' }).click();
  const secret = await page.getByLabel('Secret key for your authenticator app').inputValue();
  await page.getByLabel('Six-digit code').fill(await generate({ secret }));
  await page.getByRole('button', { name: 'Turn on two-factor authentication' }).click();
  await page.getByRole('button', { name: 'Continue to the console' }).click();
  await page.getByRole('heading', { name: 'Overview', level: 1 }).waitFor();
}

/**
 * On a checkout page with pay-at-pickup (Voyage's provider when no Stripe key is set): waits for
 * the hold and confirms it, which opens the booking's page.
 */
export async function confirmOnSite(page: Page) {
  await page.getByRole('heading', { name: 'Checkout', level: 1 }).waitFor();
  await page.getByRole('timer').waitFor();
  await page.getByRole('button', { name: /^Confirm — pay .+ at (pickup|the property|the airport)$/ }).click();
}
