import { createHash } from 'node:crypto';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { NO_STORE } from '../shared/http.js';

/**
 * The page a `confirm` nonce answers GET with: what is offered, and one button that POSTs back to the very
 * URL (a form without `action` submits to the document's URL, query string included: the nonce is never
 * written into the page). No script, no external resource, one inline style allowed by its hash.
 */

/** Light and dark, readable on a phone. Its exact text is hashed into the CSP below: edit it here only. */
export const CONFIRM_PAGE_STYLE = [
  ':root{color-scheme:light dark;--bg:#f4f6f9;--fg:#1b2230;--muted:#596273;--card:#fff;--line:#d9dfe8;--accent:#1f5fd6;--on-accent:#fff}',
  '@media (prefers-color-scheme:dark){:root{--bg:#0e121b;--fg:#e7eaf0;--muted:#a0a8b8;--card:#171d2a;--line:#2b3346;--accent:#6b9dff;--on-accent:#0b1020}}',
  '*{box-sizing:border-box}',
  'body{margin:0;min-height:100vh;display:flex;align-items:center;justify-content:center;padding:1.25rem;background:var(--bg);color:var(--fg);font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","DejaVu Sans",sans-serif}',
  'main{width:100%;max-width:28rem;background:var(--card);border:1px solid var(--line);border-radius:12px;padding:1.5rem}',
  '.lead{margin:0;color:var(--muted);font-size:.9rem}',
  'h1{margin:.25rem 0 1rem;font-size:1.35rem;line-height:1.3;overflow-wrap:anywhere}',
  'dl{display:grid;grid-template-columns:auto 1fr;gap:.25rem 1rem;margin:0 0 1.25rem}',
  'dt{color:var(--muted)}dd{margin:0}',
  'button{width:100%;padding:.85rem 1rem;border:0;border-radius:8px;background:var(--accent);color:var(--on-accent);font:inherit;font-weight:600;cursor:pointer}',
  'button:focus-visible{outline:3px solid var(--fg);outline-offset:2px}',
  '.note{margin:1rem 0 0;color:var(--muted);font-size:.85rem}',
].join('\n');

/** The CSP source of the style: computed from the very text when the module loads. */
export const CONFIRM_PAGE_STYLE_HASH = `'sha256-${createHash('sha256').update(CONFIRM_PAGE_STYLE, 'utf8').digest('base64')}'`;

/**
 * Nothing but the inline style and the form. `form-action` names the presigned URLs' origin too: Chromium
 * checks the POST's 303 redirect against it, and blocks a redirect to any other origin after the use is
 * spent (the browser test shows it), so 'self' alone would burn the nonce and deliver nothing.
 */
export const confirmPagePolicy = (downloadOrigin: string): string =>
  [
    "default-src 'none'",
    `style-src ${CONFIRM_PAGE_STYLE_HASH}`,
    `form-action 'self' ${downloadOrigin}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char] ?? char);

export interface Offer {
  /** Already reduced to a name (display-name.ts); escaped here. */
  readonly fileName: string;
  /** Epoch seconds. */
  readonly expiresAt: number;
  /** Unknown when the authorizer did not say. */
  readonly usesLeft?: number;
  readonly nowMs: number;
}

const plural = (count: number, unit: string): string => `${count} ${unit}${count === 1 ? '' : 's'}`;

/** "in 59 minutes", "in 3 hours", "in 6 days": rounded down, so never later than the truth. */
export const timeUntil = (expiresAt: number, nowMs: number): string => {
  const minutes = Math.max(0, Math.floor((expiresAt * 1000 - nowMs) / 60_000));
  if (minutes < 1) return 'in less than a minute';
  if (minutes < 120) return `in ${plural(minutes, 'minute')}`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `in ${plural(hours, 'hour')}`;
  return `in ${plural(Math.floor(hours / 24), 'day')}`;
};

/** 2026-01-01 13:00 UTC: without script the page cannot know the reader's time zone. */
const utcMinute = (expiresAt: number): string =>
  `${new Date(expiresAt * 1000).toISOString().slice(0, 16).replace('T', ' ')} UTC`;

export const CONFIRM_PAGE_HEADERS = {
  'Content-Type': 'text/html; charset=utf-8',
  ...NO_STORE,
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
  'X-Robots-Tag': 'noindex',
  'X-Frame-Options': 'DENY',
} as const;

export const renderConfirmPage = (offer: Offer): string => {
  const name = escapeHtml(offer.fileName);
  const iso = new Date(offer.expiresAt * 1000).toISOString();
  const uses = offer.usesLeft === undefined ? '' : `<dt>Uses left</dt><dd>${offer.usesLeft}</dd>`;
  // Lines joined rather than one template literal: the bundle stays minified to a few long lines.
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${name}</title>`,
    `<style>${CONFIRM_PAGE_STYLE}</style>`,
    '</head>',
    '<body>',
    '<main>',
    '<p class="lead">A file was shared with you</p>',
    `<h1>${name}</h1>`,
    `<dl><dt>Expires</dt><dd><time datetime="${iso}">${utcMinute(offer.expiresAt)}</time> (${timeUntil(offer.expiresAt, offer.nowMs)})</dd>${uses}</dl>`,
    '<form method="post"><button type="submit">Download</button></form>',
    '<p class="note">Opening this page used nothing. Pressing the button uses the link once and starts the download. Keep the link to yourself.</p>',
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
};

/** The 200 answer: the page and its headers. */
export const confirmPageResponse = (offer: Offer, downloadOrigin: string): APIGatewayProxyResult => ({
  statusCode: 200,
  headers: { ...CONFIRM_PAGE_HEADERS, 'Content-Security-Policy': confirmPagePolicy(downloadOrigin) },
  body: renderConfirmPage(offer),
});
