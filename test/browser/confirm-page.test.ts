/**
 * A link minted with `confirm`, as a person meets it: headless Chromium (Debian's package, never a
 * downloaded build) against `npm start`. The page is shown, the use stays until the button is pressed,
 * the button's POST is followed through its 303 to S3 and the object arrives; a second visit is refused.
 * A link previewer's GET and a HEAD leave the use alone. The test also takes the page's screenshot
 * (docs/confirm-page.png with UPDATE_SCREENSHOT=1).
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningLocal, startLocal } from '../e2e/local-process.js';
import { REPO_ROOT } from '../support/openapi.js';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--headless',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
/** A phone, so the screenshot shows the layout people mostly get, and stays small. */
const PHONE = { width: 390, height: 640 };
const SLACKBOT = 'Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)';

const KEY = 'reports/q1-numbers.txt';
const BYTES = 'Quarterly numbers: all up.\n';
// RFC 8187: the page and the download both read the name from filename*.
const DISPOSITION = `attachment; filename="q1.txt"; filename*=UTF-8''Q1%20%E2%82%AC%20numbers.txt`;
const FILE_NAME = 'Q1 € numbers.txt';

let local: RunningLocal;
let profile: string;
let context: BrowserContext;
let page: Page;
/** Everything the browser's console said: a CSP violation would show up here. */
const consoleLines: string[] = [];

interface Minted {
  readonly nonceId: string;
  readonly accessUrl: string;
}

const mint = async (fields: Record<string, unknown>): Promise<Minted> => {
  const response = await fetch(`${local.url}/generate-url`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ key: KEY, ...fields }),
  });
  expect(response.status).toBe(201);
  return (await response.json()) as Minted;
};

const usesLeft = async (nonceId: string): Promise<unknown> => {
  const response = await fetch(`${local.url}/nonces/${nonceId}`);
  return response.status === 200 ? ((await response.json()) as { usesLeft: number }).usesLeft : response.status;
};

beforeAll(async () => {
  local = await startLocal();
  await local.s3.send(new PutObjectCommand({ Bucket: local.bucketName, Key: KEY, Body: BYTES }));
  profile = await mkdtemp(join(tmpdir(), 'chromium-profile-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    args: CHROMIUM_ARGS,
    headless: true,
    viewport: PHONE,
    acceptDownloads: true,
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.on('console', (message) => consoleLines.push(message.text()));
});

afterAll(async () => {
  await context?.close();
  await local?.stop();
  if (profile !== undefined) await rm(profile, { recursive: true, force: true });
});

describe('a confirm link in a real browser', () => {
  let minted: Minted;

  beforeAll(async () => {
    minted = await mint({ confirm: true, responseContentDisposition: DISPOSITION, expiresInSeconds: 7200 });
  });

  it('survives a link previewer that follows redirects, and a HEAD', async () => {
    const preview = await fetch(minted.accessUrl, { headers: { 'User-Agent': SLACKBOT }, redirect: 'follow' });
    expect(preview.status).toBe(200);
    expect(preview.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await preview.text()).toContain(FILE_NAME);
    const head = await fetch(minted.accessUrl, { method: 'HEAD', headers: { 'User-Agent': SLACKBOT } });
    expect(head.status).toBe(403);
    expect(await usesLeft(minted.nonceId)).toBe(1);
  });

  it('shows the page: the file name, when it expires, the uses left, styled by its own CSS only', async () => {
    const response = await page.goto(minted.accessUrl);
    expect(response?.status()).toBe(200);
    await expect(page.locator('h1').textContent()).resolves.toBe(FILE_NAME);
    const details = (await page.locator('dl').textContent()) ?? '';
    expect(details).toMatch(/Expires\s*\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC \(in (1\d\d minutes|2 hours)\)/);
    expect(details).toMatch(/Uses left\s*1/);
    // The inline style applied (its hash is in the CSP), in light and in dark.
    // Evaluated in the page (a string: the project compiles without the DOM's types).
    const background = () => page.evaluate('getComputedStyle(document.body).backgroundColor');
    const light = await background();
    await page.emulateMedia({ colorScheme: 'dark' });
    const dark = await background();
    await page.emulateMedia({ colorScheme: 'light' });
    expect(light).toBe('rgb(244, 246, 249)');
    expect(dark).toBe('rgb(14, 18, 27)');
    expect(consoleLines.filter((line) => /Content Security Policy|Refused to/i.test(line))).toEqual([]);
    // Looking took nothing.
    expect(await usesLeft(minted.nonceId)).toBe(1);
  });

  it('takes a phone-sized screenshot of the page', async () => {
    const target =
      process.env.UPDATE_SCREENSHOT === '1' ? join(REPO_ROOT, 'docs/confirm-page.png') : join(profile, 'page.png');
    const png = await page.screenshot({ fullPage: false });
    await writeFile(target, png);
    // A PNG of the viewport's size (the IHDR chunk holds width and height).
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([PHONE.width, PHONE.height]);
  });

  it('downloads the object when the button is pressed: POST, 303 to S3 without a Referer, one use', async () => {
    const toS3: { method: string; referer: string | undefined }[] = [];
    page.on('request', (request) => {
      if (request.url().startsWith(local.s3Endpoint)) {
        toS3.push({ method: request.method(), referer: request.headers().referer });
      }
    });
    const redirects: number[] = [];
    page.on('response', (response) => {
      if (response.url() === minted.accessUrl && response.request().method() === 'POST') {
        redirects.push(response.status());
      }
    });

    // A redirect the page's CSP form-action does not allow would be blocked here, after the use was spent.
    const [download] = await Promise.all([
      page.waitForEvent('download', { timeout: 15_000 }),
      page.getByRole('button').click(),
    ]);

    expect(download.suggestedFilename()).toBe(FILE_NAME);
    expect(await readFile(await download.path(), 'utf8')).toBe(BYTES);
    expect(redirects).toEqual([303]);
    expect(toS3).toEqual([{ method: 'GET', referer: undefined }]);
    expect(consoleLines.filter((line) => /Content Security Policy|Refused to/i.test(line))).toEqual([]);
    expect(await usesLeft(minted.nonceId)).toBe(404);
  });

  it('refuses a second visit with the JSON 403 (API Gateway cannot be shown to pick an HTML template)', async () => {
    const response = await page.goto(minted.accessUrl);
    expect(response?.status()).toBe(403);
    expect(response?.headers()['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse((await page.locator('body').textContent()) ?? '')).toMatchObject({ error: 'nonce_invalid' });
  });
});
