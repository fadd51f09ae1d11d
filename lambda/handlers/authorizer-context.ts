import type { NonceRecord, UploadLimits } from '../core/ports.js';
import type { Grant } from '../core/redeem-nonce.js';

/**
 * What ValidateNonce hands AccessObject through API Gateway's authorizer context: the nonceId and the
 * item's immutable attributes, so the consume needs no read, plus what a confirmation page shows (the
 * uses left as read). Never the nonce. API Gateway accepts string, number and boolean values and hands
 * them over stringified ("1", "true"); AccessObject reads them back defensively.
 */
export type AuthorizerContext = Record<string, string | number | boolean>;

export const toAuthorizerContext = (record: NonceRecord): AuthorizerContext => ({
  nonceId: record.nonceId,
  key: record.key,
  maxUses: record.maxUses,
  expiresAt: record.expiresAt,
  usesLeft: record.usesLeft,
  confirm: record.confirm === true,
  operation: record.upload === undefined ? 'download' : 'upload',
  ...(record.upload === undefined ? {} : { maxBytes: record.upload.maxBytes }),
  ...(record.upload?.contentType === undefined ? {} : { contentType: record.upload.contentType }),
  ...(record.responseContentDisposition === undefined
    ? {}
    : { responseContentDisposition: record.responseContentDisposition }),
});

const wholeNumber = (value: unknown): number | undefined => {
  const number = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : Number.NaN;
  return Number.isSafeInteger(number) && number > 0 ? number : undefined;
};

const nonEmptyString = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;

/** Only an explicit true: anything else (absent, from an authorizer older than the option) is false. */
const isTrue = (value: unknown): boolean => value === true || value === 'true';

/**
 * An upload nonce's limits; undefined for a download (no `operation`, from an authorizer older than
 * uploads, is one); null when the context says upload but not how much, which is no usable grant.
 */
const uploadOf = (context: Record<string, unknown> | null | undefined): UploadLimits | undefined | null => {
  if (context?.operation !== 'upload') return undefined;
  const maxBytes = wholeNumber(context.maxBytes);
  if (maxBytes === undefined) return null;
  const contentType = nonEmptyString(context.contentType);
  return { maxBytes, ...(contentType === undefined ? {} : { contentType }) };
};

export const grantFromAuthorizerContext = (context: Record<string, unknown> | null | undefined): Grant | undefined => {
  const nonceId = nonEmptyString(context?.nonceId);
  const key = nonEmptyString(context?.key);
  const maxUses = wholeNumber(context?.maxUses);
  const expiresAt = wholeNumber(context?.expiresAt);
  if (nonceId === undefined || key === undefined || maxUses === undefined || expiresAt === undefined) {
    return undefined;
  }
  const disposition = nonEmptyString(context?.responseContentDisposition);
  const usesLeft = wholeNumber(context?.usesLeft);
  const upload = uploadOf(context);
  if (upload === null) return undefined;
  return {
    nonceId,
    key,
    maxUses,
    expiresAt,
    confirm: isTrue(context?.confirm),
    ...(usesLeft === undefined ? {} : { usesLeft }),
    ...(disposition === undefined ? {} : { responseContentDisposition: disposition }),
    ...(upload === undefined ? {} : { upload }),
  };
};
