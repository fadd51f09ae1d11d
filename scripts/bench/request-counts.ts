/**
 * DynamoDB requests per rejected nonce, as the counting middleware saw them: the same malformed inputs
 * and, for each design, well-formed nonces of its own format that were never minted.
 */
import { randomBytes } from 'node:crypto';
import type { RequestCounts } from './ddb-counter.js';
import type { Design } from './designs.js';
import { inPool, redeem } from './http-client.js';

/** Strings neither design could have minted: wrong length, alphabet, encoding, size. Cycled to `count`. */
const MALFORMED = [
  'A'.repeat(42),
  'A'.repeat(44),
  `${'A'.repeat(41)}+/`,
  `${'A'.repeat(42)}=`,
  'not-a-nonce',
  "' OR 1=1 --",
  '../../etc/passwd',
  'é'.repeat(43),
  '0'.repeat(31),
  'x'.repeat(512),
];

export const malformedNonces = (count: number): string[] =>
  Array.from({ length: count }, (_, index) => MALFORMED[index % MALFORMED.length] as string);

/** Unknown but well-formed in each design's own format: 32 bytes base64url (ours), 16 bytes hex (the original). */
export const unknownNonces = (design: Design, count: number): string[] =>
  Array.from({ length: count }, () =>
    design.name === 'ours' ? randomBytes(32).toString('base64url') : randomBytes(16).toString('hex'),
  );

export interface RejectionCounts {
  readonly requests: RequestCounts;
  readonly samples: number;
}

/** Sends each nonce once (sequentially, so nothing else runs) and insists on the 403 both designs give. */
export const countRejections = async (
  design: Design,
  nonces: readonly string[],
  deadlineMs: number,
): Promise<RejectionCounts> => {
  const before = design.counter.snapshot();
  await inPool(nonces, 1, deadlineMs, async (nonce) => {
    const { status } = await redeem(design.url, nonce);
    if (status !== 403) throw new Error(`${design.name}: a nonce that was never minted answered ${status}, not 403`);
  });
  return { requests: design.counter.since(before), samples: nonces.length };
};
