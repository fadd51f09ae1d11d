/**
 * The HTTP contract of nonces minted with `confirm`, and of POST /access-object, over `npm start` (no
 * browser: test/browser/ drives Chromium through the same flow).
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningLocal, startLocal } from './local-process.js';

let local: RunningLocal;

beforeAll(async () => {
  local = await startLocal({ PRESIGN_TTL_SECONDS: '30' });
  await local.s3.send(
    new PutObjectCommand({ Bucket: local.bucketName, Key: 'shared/q1 <report>.txt', Body: 'quarterly numbers\n' }),
  );
});

afterAll(async () => {
  await local?.stop();
});

interface Minted {
  readonly nonce: string;
  readonly nonceId: string;
  readonly accessUrl: string;
  readonly expiresAt: string;
}

const mint = async (fields: Record<string, unknown>): Promise<Minted> => {
  const response = await fetch(`${local.url}/generate-url`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ key: 'shared/q1 <report>.txt', ...fields }),
  });
  expect(response.status).toBe(201);
  return (await response.json()) as Minted;
};

const status = async (nonceId: string) => {
  const response = await fetch(`${local.url}/nonces/${nonceId}`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

const call = (url: string, init: RequestInit = {}) => fetch(url, { redirect: 'manual', ...init });

const expectNonceInvalid = async (response: Response) => {
  expect(response.status).toBe(403);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  expect(((await response.json()) as { error: string }).error).toBe('nonce_invalid');
};

describe('a nonce minted with confirm', () => {
  it('answers GET with the confirmation page, every header set, and takes no use', async () => {
    const minted = await mint({ confirm: true, maxUses: 2 });

    for (const accept of ['text/html,application/xhtml+xml,*/*;q=0.8', '*/*', '']) {
      const page = await call(minted.accessUrl, { headers: accept === '' ? {} : { Accept: accept } });
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(page.headers.get('cache-control')).toBe('no-store');
      expect(page.headers.get('referrer-policy')).toBe('no-referrer');
      expect(page.headers.get('x-content-type-options')).toBe('nosniff');
      expect(page.headers.get('x-robots-tag')).toBe('noindex');
      const policy = page.headers.get('content-security-policy') ?? '';
      expect(policy.split('; ')).toEqual([
        "default-src 'none'",
        expect.stringMatching(/^style-src 'sha256-[A-Za-z0-9+/]{43}='$/),
        `form-action 'self' ${local.s3Endpoint}`,
        "frame-ancestors 'none'",
        "base-uri 'none'",
      ]);
      const html = await page.text();
      expect(html).toContain('<h1>q1 &lt;report&gt;.txt</h1>');
      expect(html).toContain('<dt>Uses left</dt><dd>2</dd>');
      expect(html).not.toContain(minted.nonce);
    }
    expect((await status(minted.nonceId)).body).toMatchObject({ usesLeft: 2, maxUses: 2, confirm: true });
  });

  it('answers GET with Accept: application/json with the offer, and takes no use', async () => {
    const minted = await mint({ confirm: true });
    const offer = await call(minted.accessUrl, { headers: { Accept: 'application/json' } });
    expect(offer.status).toBe(200);
    expect(offer.headers.get('cache-control')).toBe('no-store');
    expect(await offer.json()).toEqual({
      confirm: true,
      redeem: { method: 'POST', url: minted.accessUrl },
      expiresAt: minted.expiresAt,
      usesLeft: 1,
    });
    expect((await status(minted.nonceId)).body).toMatchObject({ usesLeft: 1 });
  });

  it('is redeemed by POST: 303 See Other to the object, once; then POST and GET are refused alike', async () => {
    const minted = await mint({ confirm: true });
    const redirect = await call(minted.accessUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: '',
    });
    expect(redirect.status).toBe(303);
    expect(redirect.headers.get('cache-control')).toBe('no-store');
    expect(redirect.headers.get('referrer-policy')).toBe('no-referrer');
    const location = redirect.headers.get('location') ?? '';
    expect(location.startsWith(`${local.s3Endpoint}/${local.bucketName}/`)).toBe(true);
    expect(await (await fetch(location)).text()).toBe('quarterly numbers\n');

    await expectNonceInvalid(await call(minted.accessUrl, { method: 'POST' }));
    await expectNonceInvalid(await call(minted.accessUrl));
    // A browser asking for HTML first gets the same JSON: one template per Gateway Response, as on AWS.
    await expectNonceInvalid(await call(minted.accessUrl, { headers: { Accept: 'text/html,*/*;q=0.8' } }));
    expect((await status(minted.nonceId)).status).toBe(404);
  });

  it('is redeemed by POST with Accept: application/json as 200 {url, expiresAt}', async () => {
    const minted = await mint({ confirm: true });
    const answer = await call(minted.accessUrl, { method: 'POST', headers: { Accept: 'application/json' } });
    expect(answer.status).toBe(200);
    const body = (await answer.json()) as { url: string; expiresAt: string };
    expect(Object.keys(body).sort()).toEqual(['expiresAt', 'url']);
    expect(await (await fetch(body.url)).text()).toBe('quarterly numbers\n');
  });

  it('refuses a POST body over 8 KiB (413) or of another type (415), and the use stays', async () => {
    const minted = await mint({ confirm: true });
    const tooLarge = await call(minted.accessUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: `a=${'x'.repeat(8191)}`,
    });
    expect(tooLarge.status).toBe(413);
    expect(((await tooLarge.json()) as { error: string }).error).toBe('payload_too_large');
    const json = await call(minted.accessUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(json.status).toBe(415);
    expect(((await json.json()) as { error: string }).error).toBe('unsupported_media_type');
    expect((await status(minted.nonceId)).body).toMatchObject({ usesLeft: 1 });
    // A form of 8 KiB exactly is taken, and ignored.
    const form = await call(minted.accessUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: `a=${'x'.repeat(8190)}`,
    });
    expect(form.status).toBe(303);
  });
});

describe('HEAD, OPTIONS and nonces without confirm', () => {
  it('answers HEAD and OPTIONS as API Gateway does, 403, consuming nothing of either kind of nonce', async () => {
    for (const confirm of [true, false]) {
      const minted = await mint({ confirm });
      for (const method of ['HEAD', 'OPTIONS']) {
        const response = await call(minted.accessUrl, { method });
        expect(response.status).toBe(403);
        if (method === 'OPTIONS') {
          expect(((await response.json()) as { error: string }).error).toBe('missing_authentication_token');
        }
      }
      expect((await status(minted.nonceId)).body).toMatchObject({ usesLeft: 1, confirm });
    }
  });

  it('keeps GET of a nonce without confirm a one-request redemption (302), and status says confirm false', async () => {
    const minted = await mint({});
    expect((await status(minted.nonceId)).body).toMatchObject({ confirm: false });
    const redirect = await call(minted.accessUrl);
    expect(redirect.status).toBe(302);
    await expectNonceInvalid(await call(minted.accessUrl));
  });

  it('lets POST consume a nonce without confirm too (303), once', async () => {
    const minted = await mint({ maxUses: 2 });
    expect((await call(minted.accessUrl, { method: 'POST' })).status).toBe(303);
    expect((await status(minted.nonceId)).body).toMatchObject({ usesLeft: 1 });
    expect((await call(minted.accessUrl, { method: 'POST' })).status).toBe(303);
    await expectNonceInvalid(await call(minted.accessUrl, { method: 'POST' }));
  });

  it('answers POST without a nonce 401 and with a malformed one 403, as GET', async () => {
    const missing = await call(`${local.url}/access-object`, { method: 'POST' });
    expect(missing.status).toBe(401);
    await expectNonceInvalid(await call(`${local.url}/access-object?nonce=short`, { method: 'POST' }));
  });
});
