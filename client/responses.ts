// zod/mini, as the handlers use it: a few KB in a bundle, the same parser.
import * as z from 'zod/mini';
import { UnexpectedResponseError } from './errors.js';
import type { ConfirmationOffer, GeneratedNonce, NonceStatus, RedeemedUrl, UploadGrant } from './types.js';

/** An ISO 8601 instant, turned into a Date; anything unparseable fails the parse. */
const instant = z.pipe(
  z.string().check(z.refine((value) => !Number.isNaN(Date.parse(value)), 'is not an ISO 8601 date')),
  z.transform((value) => new Date(value)),
);

const count = z.int().check(z.minimum(0));

/** The operation's fields, as 201 and status carry them; a service older than uploads names none. */
const operationFields = {
  operation: z._default(z.enum(['download', 'upload']), 'download'),
  maxBytes: z.optional(count),
  contentType: z.optional(z.string()),
};

// z.object, not z.strictObject: a newer service may add fields, and the client must keep working.
const generatedSchema = z.object({
  nonce: z.string(),
  nonceId: z.string(),
  accessUrl: z.string(),
  expiresAt: instant,
  maxUses: count,
  ...operationFields,
});

const statusSchema = z.object({
  nonceId: z.string(),
  key: z.string(),
  expiresAt: instant,
  maxUses: count,
  usesLeft: count,
  createdAt: instant,
  confirm: z._default(z.boolean(), false),
  ...operationFields,
});

const uploadGrantSchema = z.object({
  upload: z.object({ method: z.literal('POST'), url: z.string(), fields: z.record(z.string(), z.string()) }),
  expiresAt: instant,
  maxBytes: count,
});

const redeemedUrlSchema = z.object({ url: z.string(), expiresAt: instant });

const confirmationOfferSchema = z.object({
  confirm: z.literal(true),
  redeem: z.object({ method: z.literal('POST'), url: z.string() }),
  expiresAt: instant,
  usesLeft: z.optional(count),
});

export const errorBodySchema = z.object({ error: z.string(), message: z.string() });

const parseWith =
  <T>(schema: z.ZodMiniType<T, unknown>, what: string) =>
  (status: number, body: unknown): T => {
    const result = schema.safeParse(body);
    if (result.success) return result.data;
    const field = result.error.issues[0]?.path.join('.') || 'body';
    throw new UnexpectedResponseError(status, `${what}: "${field}" is missing or malformed`);
  };

export const parseGenerated: (status: number, body: unknown) => GeneratedNonce = parseWith(
  generatedSchema,
  'generate-url answer',
);
export const parseStatus: (status: number, body: unknown) => NonceStatus = parseWith(statusSchema, 'status answer');
export const parseRedeemedUrl: (status: number, body: unknown) => RedeemedUrl = parseWith(
  redeemedUrlSchema,
  'access-object answer',
);

export const parseUploadGrant: (status: number, body: unknown) => UploadGrant = parseWith(
  uploadGrantSchema,
  'access-object answer',
);

/** A 200 JSON body that is a confirm nonce's offer rather than a redeemed URL, or undefined. */
export const asConfirmationOffer = (body: unknown): ConfirmationOffer | undefined => {
  const result = confirmationOfferSchema.safeParse(body);
  return result.success ? (result.data as ConfirmationOffer) : undefined;
};
