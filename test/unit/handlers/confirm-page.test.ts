import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  CONFIRM_PAGE_STYLE_HASH,
  confirmPagePolicy,
  confirmPageResponse,
  escapeHtml,
  renderConfirmPage,
  timeUntil,
} from '../../../lambda/handlers/confirm-page.js';
import { displayNameOf } from '../../../lambda/handlers/display-name.js';

const NOW_MS = Date.UTC(2026, 0, 1, 12, 0, 30);
const offer = { fileName: 'report.pdf', expiresAt: NOW_MS / 1000 + 3570, usesLeft: 2, nowMs: NOW_MS };

/** The text of every <style> element, as a browser hashes it for the CSP. */
const styleTexts = (html: string): string[] => [...html.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((m) => m[1] ?? '');

const sha256Source = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

describe('the confirmation page', () => {
  it('allows exactly its own inline style: the CSP hash is the SHA-256 of the style the page carries', () => {
    const html = renderConfirmPage(offer);
    const styles = styleTexts(html);
    expect(styles).toHaveLength(1);
    expect(CONFIRM_PAGE_STYLE_HASH).toBe(sha256Source(styles[0] ?? ''));
    expect(confirmPagePolicy('https://b.s3.eu-west-1.amazonaws.com')).toBe(
      `default-src 'none'; style-src ${sha256Source(styles[0] ?? '')}; ` +
        "form-action 'self' https://b.s3.eu-west-1.amazonaws.com; frame-ancestors 'none'; base-uri 'none'",
    );
  });

  it('holds no script, no external resource and no style attribute', () => {
    const html = renderConfirmPage({ ...offer, fileName: 'https://evil.example/x.js' });
    expect(html).not.toMatch(/<script|<link|<img|<iframe|\son\w+=|\sstyle=|\ssrc=|\shref=/i);
    expect(html).not.toMatch(/url\(/);
    expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(html).toContain('prefers-color-scheme:dark');
  });

  it('posts back to its own URL: one form, method post, no action (the nonce is never in the page)', () => {
    const html = renderConfirmPage(offer);
    expect(html.match(/<form/g)).toHaveLength(1);
    expect(html).toContain('<form method="post"><button type="submit">Download</button></form>');
    expect(html).not.toMatch(/action=/);
  });

  it.each([
    ['<script>alert(1)</script>.pdf', '&lt;script&gt;alert(1)&lt;/script&gt;.pdf'],
    [`"quoted" & 'single'.txt`, '&quot;quoted&quot; &amp; &#39;single&#39;.txt'],
    ['€ rates – 日本語.xlsx', '€ rates – 日本語.xlsx'],
    ['&lt;already&gt;', '&amp;lt;already&amp;gt;'],
  ])('escapes the file name %s wherever it appears', (fileName, escaped) => {
    const html = renderConfirmPage({ ...offer, fileName });
    expect(html).toContain(`<title>${escaped}</title>`);
    expect(html).toContain(`<h1>${escaped}</h1>`);
    if (fileName !== escaped) expect(html).not.toContain(fileName);
  });

  it('says when the link expires, in UTC and from now, and how many uses are left', () => {
    const html = renderConfirmPage(offer);
    expect(html).toContain('<time datetime="2026-01-01T13:00:00.000Z">2026-01-01 13:00 UTC</time> (in 59 minutes)');
    expect(html).toContain('<dt>Uses left</dt><dd>2</dd>');
    expect(renderConfirmPage({ fileName: 'a', expiresAt: offer.expiresAt, nowMs: NOW_MS })).not.toContain('Uses left');
  });

  it.each([
    [20, 'in less than a minute'],
    [60, 'in 1 minute'],
    [119 * 60, 'in 119 minutes'],
    [2 * 3600, 'in 2 hours'],
    [47 * 3600 + 3599, 'in 47 hours'],
    [7 * 86400, 'in 7 days'],
    [-5, 'in less than a minute'],
  ])('puts %i seconds as "%s"', (seconds, text) => {
    expect(timeUntil(NOW_MS / 1000 + seconds, NOW_MS)).toBe(text);
  });

  it('answers with every header a page for people needs', () => {
    const response = confirmPageResponse(offer, 'http://127.0.0.1:4569');
    expect(response.statusCode).toBe(200);
    expect(response.headers).toEqual({
      'Content-Type': 'text/html; charset=utf-8',
      'Cache-Control': 'no-store',
      'Referrer-Policy': 'no-referrer',
      'X-Content-Type-Options': 'nosniff',
      'X-Robots-Tag': 'noindex',
      'X-Frame-Options': 'DENY',
      'Content-Security-Policy': confirmPagePolicy('http://127.0.0.1:4569'),
    });
  });

  it('escapes the five characters that matter in HTML text and attributes', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
  });
});

describe('the file name a confirmation page shows', () => {
  it.each([
    ['the key’s last segment', 'reports/2026/q1.pdf', undefined, 'q1.pdf'],
    ['the disposition’s filename', 'k', 'attachment; filename="q1 report.pdf"', 'q1 report.pdf'],
    [
      'filename* before filename',
      'k',
      `attachment; filename="rates.pdf"; filename*=UTF-8''%E2%82%AC%20rates.pdf`,
      '€ rates.pdf',
    ],
    ['the key when the disposition names no file', 'dir/a.txt', 'inline', 'a.txt'],
    ['the key when the disposition cannot be read', 'a.txt', 'attachment; filename="unterminated', 'a.txt'],
    ['no path from the disposition', 'k', 'attachment; filename="../../etc/passwd"', 'passwd'],
    ['no bidirectional controls', 'report\u202Efdp.exe', undefined, 'reportfdp.exe'],
    ['a name for a key of slashes', '///', undefined, 'file'],
    ['the key for a disposition name of slashes', 'x/b.bin', 'attachment; filename="/"', 'b.bin'],
  ])('takes %s', (_what, key, disposition, name) => {
    expect(displayNameOf(key, disposition)).toBe(name);
  });
});
