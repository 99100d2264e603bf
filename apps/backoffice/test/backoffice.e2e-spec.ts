/**
 * The back office in a real browser (Debian's chromium through playwright-core, headless) against the
 * whole system started as `npm start` starts it: tools/start.js with its own data folder and free
 * ports, the link its banner prints to sign the demo retailer in. The steps run in order and share
 * one browser tab, as a member of staff would. Screenshots go to docs/screenshots/ (the README shows them).
 *
 * Waiting is by what the page shows (a status attribute, a heading), never by elapsed time; the
 * bounds passed to waitFor only stop a broken run from hanging.
 */
import { freePort, testInfra, uniqueName } from '@pos/testing';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

const ROOT = path.resolve(__dirname, '..', '..', '..');
/**
 * The README's screenshots come from this run: `UPDATE_SCREENSHOTS=1` writes them into docs/screenshots;
 * otherwise (CI, every `npm test`) they go to a temporary folder, so a test run leaves the tree clean.
 */
const SHOTS = process.env['UPDATE_SCREENSHOTS'] ? path.join(ROOT, 'docs', 'screenshots') : path.join(tmpdir(), 'pos-backoffice-screenshots');
const CHROMIUM = '/usr/bin/chromium';
const SYNC_WAIT = 60_000; // the bound for anything that crosses the broker and xero-sync
const UI_WAIT = 15_000;

jest.setTimeout(120_000);

describe('back office (browser, npm start)', () => {
  const infra = testInfra();
  const data = mkdtempSync(path.join(tmpdir(), 'pos-backoffice-'));
  const profile = mkdtempSync(path.join(tmpdir(), 'pos-chromium-'));
  let start: ChildProcess;
  let output = '';
  let signInLink: string;
  let base: string;
  let ports: Record<'customers' | 'sync' | 'sandbox' | 'db' | 'backoffice', number>;
  let context: BrowserContext;
  let page: Page;
  let customerUrl: string;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does this)`);
    mkdirSync(SHOTS, { recursive: true });
    ports = { customers: await freePort(), sync: await freePort(), sandbox: await freePort(), db: await freePort(), backoffice: await freePort() };
    start = spawn(process.execPath, [path.join(ROOT, 'tools', 'start.js')], {
      cwd: ROOT,
      env: {
        PATH: process.env['PATH'] ?? '',
        HOME: process.env['HOME'] ?? '',
        POS_DATA_DIR: data,
        FERRETDB_PORT: String(ports.db),
        CUSTOMERS_PORT: String(ports.customers),
        XERO_SYNC_PORT: String(ports.sync),
        XERO_SANDBOX_PORT: String(ports.sandbox),
        BACKOFFICE_PORT: String(ports.backoffice),
        AMQP_URL: infra.amqpUrl,
        QUEUE_PREFIX: `${uniqueName('backoffice')}.`,
        QUEUE_EXPIRES_MS: '60000',
        LOG_LEVEL: 'warn',
      },
    });
    await new Promise<void>((resolve, reject) => {
      const onData = (d: Buffer) => {
        output += d;
        const m = /sign it in\s+(\S+)/.exec(output);
        if (m) {
          signInLink = m[1];
          resolve();
        }
      };
      start.stdout?.on('data', onData);
      start.stderr?.on('data', onData);
      start.once('exit', (code) => reject(new Error(`npm start exited (${code}) before printing the banner:\n${output}`)));
    });
    base = `http://127.0.0.1:${ports.backoffice}`;
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
      viewport: { width: 1280, height: 900 },
    });
    page = context.pages()[0] ?? (await context.newPage());
  }, 240_000);

  afterAll(async () => {
    await context?.close().catch(() => undefined);
    if (start && start.exitCode === null) {
      const exited = new Promise((r) => start.once('exit', r));
      start.kill('SIGTERM');
      await exited;
    }
    rmSync(data, { recursive: true, force: true });
    rmSync(profile, { recursive: true, force: true });
  }, 60_000);

  /** The status the customer's Xero panel shows, once it shows `want`. */
  async function panelShows(want: string, wait = SYNC_WAIT) {
    await page.locator(`.xero-panel[data-status="${want}"]`).waitFor({ timeout: wait });
  }

  async function fill(labelText: string, value: string) {
    await page.getByLabel(labelText, { exact: true }).fill(value);
  }

  async function save() {
    await page.getByRole('button', { name: 'Save', exact: true }).click();
  }

  it('signs the demo retailer in with the link the banner prints, and takes the key out of the address bar', async () => {
    expect(signInLink.startsWith(`${base}/#key=pos_`)).toBe(true);
    await page.goto(signInLink);
    await page.getByRole('heading', { name: 'Customers' }).waitFor({ timeout: UI_WAIT });
    expect(page.url()).not.toContain('key=');
    expect(await page.evaluate(() => Object.values(sessionStorage).some((v) => v.startsWith('pos_')))).toBe(true);
  });

  it('creates a customer, which starts not linked to Xero', async () => {
    await page.getByRole('link', { name: 'New customer' }).click();
    await fill('First name', 'Ada');
    await fill('Last name', 'Lovelace');
    await fill('Email', 'ada@example.com');
    await page.getByRole('button', { name: 'Create customer' }).click();
    await page.getByRole('heading', { name: 'Ada Lovelace' }).waitFor({ timeout: UI_WAIT });
    customerUrl = page.url();
    await panelShows('not_linked', UI_WAIT);
  });

  it("shows the server's validation message next to the field", async () => {
    await fill('Email', 'not an email');
    await save();
    const field = page.locator('.field.invalid', { has: page.getByLabel('Email', { exact: true }) });
    await field.locator('.field-error').waitFor({ timeout: UI_WAIT });
    expect(await field.locator('.field-error').innerText()).toContain('email must be an email address');
    expect(await page.getByLabel('Email', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    await fill('Email', 'ada@example.com');
  });

  it('an on-account sale asks for a push: the icon turns red (pending)', async () => {
    await page.getByLabel('Amount').fill('25.50');
    await page.getByLabel('Reference').fill('INV-1001');
    await page.getByRole('button', { name: 'Record sale' }).click();
    await panelShows('pending', UI_WAIT);
    await page.screenshot({ path: path.join(SHOTS, 'customer-detail.png'), fullPage: true });
    await page.getByRole('link', { name: '← Customers' }).click();
    const row = page.locator('.customer-row', { hasText: 'Ada Lovelace' });
    await row.locator('[data-status="pending"]').waitFor({ timeout: UI_WAIT });
    await page.screenshot({ path: path.join(SHOTS, 'customers-list.png'), fullPage: true });
  });

  it('connects the Xero organisation through the real OAuth redirect', async () => {
    await page.getByRole('link', { name: 'Xero connection' }).click();
    // The page leaves for Xero's authorize page; the sandbox grants at once and sends the browser on
    // to xero-sync's callback (which may in turn send it back here). `npm start` has already connected
    // the demo retailer, so the page offers to connect (another) organisation through the same flow.
    const connect = page.getByRole('button', { name: /Connect to Xero|Connect a different organisation/ });
    await Promise.all([page.waitForNavigation({ timeout: UI_WAIT }), connect.click()]);
    await page.waitForLoadState('load', { timeout: UI_WAIT });
    await page.goto(`${base}/#/connection`);
    await page.locator('.connection[data-status="connected"]').waitFor({ timeout: SYNC_WAIT });
    expect(await page.locator('.connection-status').innerText()).toMatch(/Connected to \S+/);
  });

  it('the pending customer reaches Xero: red, then blue; an edit goes red then blue again', async () => {
    await page.goto(customerUrl);
    const red = page.locator('.xero-panel[data-status="pending"], .xero-panel[data-status="failed"]');
    if (await red.count()) {
      // A push tried before the connection existed fails "not connected": push again, as staff would.
      if ((await page.locator('.xero-panel[data-status="failed"]').count()) > 0) await page.getByRole('button', { name: 'Push to Xero now' }).click();
    }
    await panelShows('synced');
    await fill('Phone', '+64 9 555 0101');
    await save();
    await panelShows('pending', UI_WAIT);
    await panelShows('synced');
    await page.getByRole('link', { name: /View on Xero/ }).waitFor({ timeout: UI_WAIT });
    await page.screenshot({ path: path.join(SHOTS, 'customer-detail.png'), fullPage: true });
  });

  it("a name another Xero contact has shows Xero's reason and hint; fixing the name turns it blue", async () => {
    // A second customer, in Xero, then renamed to the first one's Xero name.
    await page.goto(`${base}/#/customers/new`);
    await fill('Company name', 'Analytical Engines Ltd');
    await page.getByRole('button', { name: 'Create customer' }).click();
    await page.getByRole('heading', { name: 'Analytical Engines Ltd' }).waitFor({ timeout: UI_WAIT });
    await page.getByRole('button', { name: 'Create in Xero now' }).click();
    await panelShows('synced');
    await fill('Company name', 'Ada Lovelace');
    await save();
    await panelShows('failed');
    const reason = await page.locator('.xero-error').innerText();
    expect(reason).toMatch(/Xero says:/);
    expect(reason).toMatch(/How to fix it:/);
    const clashUrl = page.url();
    await page.getByRole('link', { name: '← Customers' }).click();
    const icon = page.locator('.customer-row', { hasText: 'Ada Lovelace' }).locator('button[data-status="failed"]');
    await icon.waitFor({ timeout: UI_WAIT });
    expect(await icon.getAttribute('title')).toMatch(/Xero refused/);
    await icon.click(); // clicking a failed icon pushes again (it fails again: the name is still taken)
    await page.locator('.customer-row', { hasText: 'Ada Lovelace' }).locator('[data-status="failed"]').waitFor({ timeout: SYNC_WAIT });
    await page.goto(clashUrl);
    await fill('Company name', 'Analytical Engines (Ada) Ltd');
    await save();
    await panelShows('synced');
    await page.getByRole('link', { name: '← Customers' }).click();
    await page.locator('.customer-row').first().waitFor({ timeout: UI_WAIT });
    await page.screenshot({ path: path.join(SHOTS, 'customers-list.png'), fullPage: true });
  });

  it('previews an import from Xero (dry run): what it would create, link and leave alone', async () => {
    await page.getByRole('link', { name: 'Import from Xero' }).click();
    await page.getByRole('button', { name: 'Preview (dry run)' }).click();
    const job = page.locator('.import-job[data-status="completed"]');
    await job.waitFor({ timeout: SYNC_WAIT });
    expect(await job.locator('h3').innerText()).toContain('Preview');
    expect(Number(await job.locator('[data-count="seen"]').innerText())).toBeGreaterThan(0);
    expect(await job.locator('dt', { hasText: 'To create' }).count()).toBe(1);
  });

  it('imports for real, with the progress bar moving to done', async () => {
    await page.getByRole('button', { name: 'Import now' }).click();
    const job = page.locator('.import-job').first();
    await job.waitFor({ timeout: UI_WAIT });
    const seen: string[] = [];
    const record = async () => seen.push(`${await job.getAttribute('data-status')} ${await job.locator('progress').getAttribute('value')}`);
    await record();
    await page.locator('.import-job[data-status="running"], .import-job[data-status="completed"]').waitFor({ timeout: SYNC_WAIT });
    await record();
    await page.screenshot({ path: path.join(SHOTS, 'import-progress.png'), fullPage: true });
    await page.locator('.import-job[data-status="completed"]').waitFor({ timeout: SYNC_WAIT });
    await record();
    expect(await job.locator('progress').getAttribute('value')).toBe('100');
    expect(await job.locator('h3').innerText()).toContain('Done');
    await page.screenshot({ path: path.join(SHOTS, 'import-progress.png'), fullPage: true });
    await page.getByRole('heading', { name: 'Past imports' }).waitFor();
    expect(await page.locator('.past-imports tbody tr').count()).toBeGreaterThanOrEqual(2);
  });

  it('is usable at phone width', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${base}/#/customers`);
    await page.getByRole('heading', { name: 'Customers' }).waitFor({ timeout: UI_WAIT });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: path.join(SHOTS, 'customers-list-phone.png'), fullPage: true });
  });
});
