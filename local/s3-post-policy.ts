/**
 * A browser-based upload (S3 POST Object, Signature Version 4) judged as S3 judges it, for the S3 emulator,
 * which stores whatever a form sends (s3rver ignores the policy). What is checked, each from AWS's
 * documentation (docs/aws-behaviour.md): the signature of the base64 policy with the emulator's own
 * credentials; the policy's `expiration`; every condition (exact match, `eq`, `starts-with`,
 * `content-length-range`) against the form's fields, names compared without regard to case; no field
 * without a condition (but `x-amz-signature`, `file`, `policy` and `x-ignore-*`); the file's size in the
 * range. Fields after the file are not part of the upload, as S3 ignores them. What is not emulated: the
 * bucket policy (signature age, TLS, the allow list), `${filename}`, `success_action_redirect`'s own checks,
 * session tokens, the 20 KB limit on the form's other fields.
 */
import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';

export interface PolicyCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/** An S3 error answer: its code, message and the detail elements S3 adds. */
export interface PostRefusal {
  readonly code: string;
  readonly message: string;
  readonly detail?: Readonly<Record<string, string | number>>;
}

/** The form's fields before the file, in order, as sent. */
export type FormFields = ReadonlyArray<readonly [string, string]>;

/** What the file may weigh, once the form before it is accepted. */
export interface SizeRange {
  readonly min: number;
  readonly max: number;
}

export type PolicyDecision =
  | { readonly accepted: true; readonly size: SizeRange }
  | { readonly accepted: false; readonly refusal: PostRefusal };

/** Fields every form may carry without a condition. */
const UNCONDITIONED = new Set(['x-amz-signature', 'file', 'policy']);

const refuse = (code: string, message: string, detail?: PostRefusal['detail']): PolicyDecision => ({
  accepted: false,
  refusal: { code, message, ...(detail === undefined ? {} : { detail }) },
});

const byPolicy = (reason: string): PolicyDecision => refuse('AccessDenied', `Invalid according to Policy: ${reason}`);

/** The fields by lower-cased name; several fields of one name are compared joined with commas, as S3 says. */
const fieldMap = (fields: FormFields, bucketName: string): Map<string, string> => {
  const map = new Map<string, string>();
  for (const [name, value] of fields) {
    const key = name.toLowerCase();
    const previous = map.get(key);
    map.set(key, previous === undefined ? value : `${previous},${value}`);
  }
  // The bucket is the one the form was posted to, whether or not a field names it.
  map.set('bucket', bucketName);
  return map;
};

/** `YYYYMMDD'T'HHMMSS'Z'` as a Date. */
const amzDate = (value: string): Date | undefined => {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (match === null) return undefined;
  const [, y, mo, d, h, mi, s] = match.map(Number) as [number, number, number, number, number, number, number];
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  return Number.isNaN(date.getTime()) ? undefined : date;
};

const checkSignature = async (
  fields: Map<string, string>,
  policy: string,
  credentials: PolicyCredentials,
): Promise<PolicyDecision | undefined> => {
  if (fields.get('x-amz-algorithm') !== 'AWS4-HMAC-SHA256') {
    return refuse('InvalidArgument', 'Only AWS4-HMAC-SHA256 is supported as x-amz-algorithm.', {
      ArgumentName: 'x-amz-algorithm',
    });
  }
  const [accessKeyId, shortDate, region, service, terminator] = (fields.get('x-amz-credential') ?? '').split('/');
  const date = amzDate(fields.get('x-amz-date') ?? '');
  if (date === undefined || region === undefined || service !== 's3' || terminator !== 'aws4_request') {
    return refuse('InvalidArgument', 'x-amz-credential and x-amz-date do not form a Signature Version 4 scope.', {
      ArgumentName: 'x-amz-credential',
    });
  }
  if (accessKeyId !== credentials.accessKeyId) {
    return refuse('InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.');
  }
  if (shortDate !== fields.get('x-amz-date')?.slice(0, 8)) {
    return refuse('InvalidArgument', 'The date of x-amz-credential is not the date of x-amz-date.', {
      ArgumentName: 'x-amz-credential',
    });
  }
  const signer = new SignatureV4({ credentials, region, service: 's3', sha256: Sha256 });
  const expected = await signer.sign(policy, { signingDate: date, signingRegion: region, signingService: 's3' });
  if (fields.get('x-amz-signature') !== expected) {
    return refuse(
      'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
    );
  }
  return undefined;
};

type Condition =
  | {
      readonly kind: 'match';
      readonly op: 'eq' | 'starts-with';
      readonly field: string;
      readonly value: string;
      readonly text: string;
    }
  | { readonly kind: 'range'; readonly min: number; readonly max: number };

/** One entry of `conditions`, or undefined when it is not one S3 knows. */
const parseCondition = (entry: unknown): Condition | undefined => {
  if (Array.isArray(entry)) {
    const [op, subject, value] = entry as unknown[];
    if (op === 'content-length-range' && Number.isSafeInteger(subject) && Number.isSafeInteger(value)) {
      return { kind: 'range', min: subject as number, max: value as number };
    }
    if (
      (op === 'eq' || op === 'starts-with') &&
      typeof subject === 'string' &&
      subject.startsWith('$') &&
      typeof value === 'string'
    ) {
      return { kind: 'match', op, field: subject.slice(1).toLowerCase(), value, text: JSON.stringify(entry) };
    }
    return undefined;
  }
  if (typeof entry === 'object' && entry !== null) {
    const pairs = Object.entries(entry);
    const [pair] = pairs;
    if (pairs.length !== 1 || pair === undefined || typeof pair[1] !== 'string') return undefined;
    return { kind: 'match', op: 'eq', field: pair[0].toLowerCase(), value: pair[1], text: JSON.stringify(entry) };
  }
  return undefined;
};

const parsePolicy = (policy: string): { expiration: number; conditions: Condition[] } | undefined => {
  let document: unknown;
  try {
    document = JSON.parse(Buffer.from(policy, 'base64').toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof document !== 'object' || document === null) return undefined;
  const { expiration, conditions } = document as { expiration?: unknown; conditions?: unknown };
  const expiresAt = typeof expiration === 'string' ? Date.parse(expiration) : Number.NaN;
  if (Number.isNaN(expiresAt) || !Array.isArray(conditions)) return undefined;
  const parsed = conditions.map(parseCondition);
  if (parsed.some((condition) => condition === undefined)) return undefined;
  return { expiration: expiresAt, conditions: parsed as Condition[] };
};

/**
 * Judges the form before its file: the signature, the expiry, the conditions and the fields. Accepted, it
 * says what the file may weigh (S3's own limit, 5 GiB, without a content-length-range).
 */
export const judgePostForm = async (
  form: FormFields,
  options: { readonly bucketName: string; readonly credentials: PolicyCredentials; readonly nowMs: number },
): Promise<PolicyDecision> => {
  const fields = fieldMap(form, options.bucketName);
  const policy = fields.get('policy');
  // No policy: an anonymous request, which only a publicly writable bucket takes.
  if (policy === undefined) return refuse('AccessDenied', 'Access Denied');
  const badSignature = await checkSignature(fields, policy, options.credentials);
  if (badSignature !== undefined) return badSignature;
  const parsed = parsePolicy(policy);
  if (parsed === undefined) return refuse('InvalidPolicyDocument', 'Invalid Policy: Invalid JSON.');
  if (options.nowMs >= parsed.expiration) return byPolicy('Policy expired.');

  const conditioned = new Set<string>();
  let size: SizeRange = { min: 0, max: 5 * 1024 ** 3 };
  for (const condition of parsed.conditions) {
    if (condition.kind === 'range') {
      size = { min: condition.min, max: condition.max };
      continue;
    }
    conditioned.add(condition.field);
    const value = fields.get(condition.field);
    const holds =
      value !== undefined && (condition.op === 'eq' ? value === condition.value : value.startsWith(condition.value));
    if (!holds) return byPolicy(`Policy Condition failed: ${condition.text}`);
  }
  const extra = form
    .map(([name]) => name.toLowerCase())
    .filter((name) => !UNCONDITIONED.has(name) && !name.startsWith('x-ignore-') && !conditioned.has(name));
  if (extra.length > 0) return byPolicy(`Extra input fields: ${[...new Set(extra)].join(', ')}`);
  return { accepted: true, size };
};

/** The file's size against the policy's range: S3's EntityTooLarge and EntityTooSmall. */
export const judgeSize = (bytes: number, range: SizeRange): PostRefusal | undefined => {
  if (bytes > range.max) {
    return {
      code: 'EntityTooLarge',
      message: 'Your proposed upload exceeds the maximum allowed size',
      detail: { ProposedSize: bytes, MaxSizeAllowed: range.max },
    };
  }
  if (bytes < range.min) {
    return {
      code: 'EntityTooSmall',
      message: 'Your proposed upload is smaller than the minimum allowed size',
      detail: { ProposedSize: bytes, MinSizeAllowed: range.min },
    };
  }
  return undefined;
};
