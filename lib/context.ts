/**
 * The stack's options, read from CDK context (`cdk.json` or `-c key=value`) and validated once, at synth
 * time, so a bad value stops `cdk synth` with a sentence that names the option instead of failing later in
 * CloudFormation (or, worse, deploying something weaker than intended).
 *
 * Values given with `-c` always arrive as strings; values from `cdk.json` keep their JSON type. Both are
 * accepted: `-c requireMfa=true`, `-c allowedCidrs=203.0.113.0/24,2001:db8::/32` or a JSON array.
 */
import { isIPv4, isIPv6 } from 'node:net';
import type { Node } from 'constructs';
import { stackNameLengthProblem } from './name-limits.js';

export type RemovalPolicyName = 'retain' | 'destroy';
/**
 * Execution logging: off, or errors only. INFO is refused: AWS documents that execution logs record
 * "request and response parameter values" and "data used by Lambda authorizers", redacting only
 * authorization headers, API keys and similar parameters — the nonce is a query parameter and the
 * authorizer's identity source, so INFO would log live nonces of every redemption (docs/aws-behaviour.md).
 */
export type ApiLogLevel = 'OFF' | 'ERROR';

export interface StackSettings {
  /** The CloudFormation stack name. */
  readonly stackName: string;
  /** What happens to the table, the buckets, the log groups and the key when the stack is deleted. */
  readonly removalPolicy: RemovalPolicyName;
  /** Browser origins allowed to fetch presigned URLs from the bucket (S3 CORS); none by default. */
  readonly allowedOrigins: readonly string[];
  /** Front an existing bucket instead of creating one. */
  readonly existingBucketName?: string;
  /** WAF: requests per client IP per 5-minute window before it is blocked. */
  readonly rateLimitPer5Min: number;
  /**
   * WAF: when not empty, only these CIDR blocks may call the API; the bucket also refuses presigned GETs
   * from elsewhere (`aws:SourceIp`).
   */
  readonly allowedCidrs: readonly string[];
  /** VPC endpoints (vpce-…) through which presigned GETs may also reach the bucket (`aws:SourceVpce`). */
  readonly allowedVpcEndpoints: readonly string[];
  /** Each producer method's throttling (the stage's default method throttling): requests per second. */
  readonly throttlingRateLimit: number;
  /** Each producer method's throttling: burst. */
  readonly throttlingBurstLimit: number;
  /** GET /access-object's own method throttling: requests per second. */
  readonly consumerThrottlingRateLimit: number;
  /** GET /access-object's own method throttling: burst. */
  readonly consumerThrottlingBurstLimit: number;
  /** An address subscribed to the alarm topic. */
  readonly alarmEmail?: string;
  /** The producer policy requires an MFA-authenticated session. */
  readonly requireMfa: boolean;
  /** Life of a presigned GET, and the bucket policy's signature-age window. */
  readonly presignTtlSeconds: number;
  /** Upper bound of a nonce's `expiresInSeconds`. */
  readonly maxExpiresInSeconds: number;
  /** Upper bound of a nonce's `maxUses`. */
  readonly maxUsesLimit: number;
  /** A custom domain (and base path) for `accessUrl`. */
  readonly publicBaseUrl?: string;
  /** Retention of every log group, and expiry of the server access logs. */
  readonly logRetentionDays: number;
  /** API Gateway execution logging level (never with data tracing). */
  readonly apiLogLevel: ApiLogLevel;
  /** The API Gateway stage name (the first path segment of the URL). */
  readonly stageName: string;
  /** Authorizer denials for malformed or unknown nonces per 5 minutes that raise the guessing alarm. */
  readonly denialAlarmThreshold: number;
  /** Set the region's API Gateway CloudWatch Logs role (an account-wide setting) from this stack. */
  readonly apiGatewayCloudWatchRole: boolean;
  /** Optional producer scope: owner ARN (or `*`) → the key prefix it may mint under; empty: no scope. */
  readonly producerKeyPrefixes: Readonly<Record<string, string>>;
  /**
   * Upload nonces may put objects under this key prefix (ending in "/"); AccessObject then holds
   * s3:PutObject on `bucket/<prefix>*` and nothing wider. Absent: uploads disabled.
   */
  readonly uploadKeyPrefix?: string;
}

/**
 * Every option with its default. `cdk.json` repeats these (a test keeps the two equal); an empty string
 * means "not set" for the optional ones, because `-c` cannot express `undefined`.
 */
export const CONTEXT_DEFAULTS = {
  stackName: 'PresignedUrlNonce',
  removalPolicy: 'retain',
  allowedOrigins: [],
  existingBucketName: '',
  rateLimitPer5Min: 1000,
  allowedCidrs: [],
  allowedVpcEndpoints: [],
  throttlingRateLimit: 50,
  throttlingBurstLimit: 100,
  consumerThrottlingRateLimit: 50,
  consumerThrottlingBurstLimit: 100,
  alarmEmail: '',
  requireMfa: false,
  presignTtlSeconds: 60,
  maxExpiresInSeconds: 604_800,
  maxUsesLimit: 100,
  publicBaseUrl: '',
  logRetentionDays: 90,
  apiLogLevel: 'OFF',
  stageName: 'prod',
  denialAlarmThreshold: 50,
  apiGatewayCloudWatchRole: true,
  producerKeyPrefixes: {},
  uploadKeyPrefix: '',
} as const satisfies Record<
  keyof StackSettings,
  string | number | boolean | readonly string[] | Readonly<Record<string, string>>
>;

export type ContextKey = keyof typeof CONTEXT_DEFAULTS;

export class ContextError extends Error {
  constructor(key: ContextKey, problem: string) {
    super(`Invalid CDK context value "${key}": ${problem}`);
    this.name = 'ContextError';
  }
}

/** The values CloudWatch Logs accepts for a log group's retention. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** The same bounds the functions enforce on PRESIGN_TTL_SECONDS (the minimum: signing times are whole seconds). */
export const PRESIGN_TTL_MIN_SECONDS = 10;
export const PRESIGN_TTL_MAX_SECONDS = 300;

type Lookup = (key: ContextKey) => unknown;

const show = (value: unknown): string => (typeof value === 'string' ? `"${value}"` : JSON.stringify(value));

const text = (lookup: Lookup, key: ContextKey): string => {
  const value = lookup(key) ?? CONTEXT_DEFAULTS[key];
  if (typeof value !== 'string') throw new ContextError(key, `expected a string, got ${show(value)}.`);
  return value.trim();
};

const optionalText = (lookup: Lookup, key: ContextKey): string | undefined => {
  const value = lookup(key);
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new ContextError(key, `expected a string, got ${show(value)}.`);
  return value.trim() === '' ? undefined : value.trim();
};

const number = (
  lookup: Lookup,
  key: ContextKey,
  bounds: { readonly min: number; readonly max: number; readonly integer: boolean },
): number => {
  const raw = lookup(key) ?? CONTEXT_DEFAULTS[key];
  const value = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : Number.NaN;
  const kind = bounds.integer ? 'a whole number' : 'a number';
  if (!Number.isFinite(value) || (bounds.integer && !Number.isInteger(value))) {
    throw new ContextError(key, `expected ${kind} from ${bounds.min} to ${bounds.max}, got ${show(raw)}.`);
  }
  if (value < bounds.min || value > bounds.max) {
    throw new ContextError(key, `expected ${kind} from ${bounds.min} to ${bounds.max}, got ${value}.`);
  }
  return value;
};

const boolean = (lookup: Lookup, key: ContextKey): boolean => {
  const raw = lookup(key) ?? CONTEXT_DEFAULTS[key];
  if (raw === true || raw === 'true') return true;
  if (raw === false || raw === 'false') return false;
  throw new ContextError(key, `expected true or false, got ${show(raw)}.`);
};

/** A JSON array of strings, or (as `-c` gives it) a JSON array in a string or a comma-separated list. */
const list = (lookup: Lookup, key: ContextKey): string[] => {
  const raw = lookup(key) ?? CONTEXT_DEFAULTS[key];
  let value: unknown = raw;
  if (typeof raw === 'string') {
    const trimmed = raw.trim();
    if (trimmed.startsWith('[')) {
      try {
        value = JSON.parse(trimmed);
      } catch {
        throw new ContextError(key, `expected a JSON array of strings, got ${show(raw)}.`);
      }
    } else {
      value = trimmed === '' ? [] : trimmed.split(',');
    }
  }
  if (!Array.isArray(value) || !value.every((item): item is string => typeof item === 'string')) {
    throw new ContextError(key, `expected a list of strings, got ${show(raw)}.`);
  }
  return value.map((item) => item.trim()).filter((item) => item !== '');
};

const oneOf = <T extends string>(lookup: Lookup, key: ContextKey, allowed: readonly T[]): T => {
  const value = text(lookup, key);
  const match = allowed.find((candidate) => candidate === value);
  if (match === undefined) throw new ContextError(key, `expected one of ${allowed.join(', ')}, got "${value}".`);
  return match;
};

const ipv4ToNumber = (address: string): number =>
  address.split('.').reduce((total, octet) => total * 256 + Number(octet), 0);

/** An IPv6 address (as net.isIPv6 accepts it, without a zone) as a 128-bit number. */
const ipv6ToBigInt = (address: string): bigint => {
  // An embedded IPv4 tail (::ffff:192.0.2.1) becomes its two 16-bit groups.
  const tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(address)?.[1];
  const text =
    tail === undefined
      ? address
      : `${address.slice(0, -tail.length)}${(ipv4ToNumber(tail) >>> 16).toString(16)}:${(ipv4ToNumber(tail) & 0xffff).toString(16)}`;
  const [head = '', rest] = text.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = rest === undefined || rest === '' ? [] : rest.split(':');
  const groups = rest === undefined ? left : [...left, ...Array(8 - left.length - right.length).fill('0'), ...right];
  return groups.reduce((total, group) => (total << 16n) + BigInt(Number.parseInt(group, 16)), 0n);
};

/** WAF IP sets take IPv4 and IPv6 CIDR blocks, prefix /1 and longer, without host bits. */
export const checkCidr = (cidr: string): string | undefined => {
  const match = /^([^/]+)\/(\d{1,3})$/.exec(cidr);
  const address = match?.[1] ?? '';
  const prefix = Number(match?.[2]);
  if (isIPv4(address)) {
    if (!(prefix >= 1 && prefix <= 32)) return `"${cidr}": an IPv4 prefix must be /1 to /32.`;
    const hostBits = 32 - prefix;
    if (ipv4ToNumber(address) % 2 ** hostBits !== 0) return `"${cidr}" has host bits set after /${prefix}.`;
    return undefined;
  }
  if (isIPv6(address) && !address.includes('%')) {
    if (!(prefix >= 1 && prefix <= 128)) return `"${cidr}": an IPv6 prefix must be /1 to /128.`;
    // WAF refuses a block with host bits set when the stack deploys (2001:db8::1/32).
    if (ipv6ToBigInt(address) % 2n ** BigInt(128 - prefix) !== 0n)
      return `"${cidr}" has host bits set after /${prefix}.`;
    return undefined;
  }
  return `"${cidr}" is not an IPv4 or IPv6 CIDR block (for example 203.0.113.0/24 or 2001:db8::/32).`;
};

/** A VPC endpoint ID as aws:SourceVpce compares it: vpce- and 8 or 17 hexadecimal digits. */
const VPC_ENDPOINT_ID = /^vpce-[0-9a-f]{8}(?:[0-9a-f]{9})?$/;

/**
 * The owners API Gateway can report as `userArn` once sessions are dropped (lambda/core/owner.ts): an IAM
 * user, the root user, an assumed role without its session, a federated user. lib/ may not import
 * lambda/, so these are restated here; test/infra/context.test.ts holds them to the runtime's rule.
 */
const OWNER_ARNS = [
  /^arn:[a-z][a-z0-9-]*:iam::\d{12}:user\/(?:[^/]+\/)*[^/]+$/,
  /^arn:[a-z][a-z0-9-]*:iam::\d{12}:root$/,
  /^arn:[a-z][a-z0-9-]*:sts::\d{12}:assumed-role\/[^/]+$/,
  /^arn:[a-z][a-z0-9-]*:sts::\d{12}:federated-user\/[^/]+$/,
];
const ROLE_ARN = /^arn:([a-z][a-z0-9-]*):iam::(\d{12}):role\/(?:[^/]+\/)*([^/]+)$/;
const SESSION_ARN = /^(arn:[a-z][a-z0-9-]*:sts::\d{12}:assumed-role\/[^/]+)\/[^/]+$/;
// Lambda allows 4 KB of environment variables per function; the others take a few hundred bytes.
const MAX_PRODUCER_SCOPE_JSON_BYTES = 3000;
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;

const checkOwner = (owner: string): string | undefined => {
  if (owner === '*' || OWNER_ARNS.some((pattern) => pattern.test(owner))) return undefined;
  const role = ROLE_ARN.exec(owner);
  if (role !== null) {
    return `"${owner}" is a role ARN, but API Gateway reports a role's callers as "arn:${role[1]}:sts::${role[2]}:assumed-role/${role[3]}": name that.`;
  }
  const session = SESSION_ARN.exec(owner);
  if (session !== null)
    return `"${owner}" names one session; every session of a role is one owner: name "${session[1]}".`;
  return `"${owner}" is neither "*" nor an IAM user, root, assumed-role or federated-user ARN.`;
};

/** producerKeyPrefixes: a JSON object (or its text, from `-c`) of owner → key prefix; `{}` is no scope. */
const producerKeyPrefixes = (lookup: Lookup): Readonly<Record<string, string>> => {
  const key = 'producerKeyPrefixes';
  const raw = lookup(key) ?? CONTEXT_DEFAULTS[key];
  const shape = 'expected a JSON object mapping an owner ARN (or "*") to a key prefix';
  let value: unknown = raw;
  if (typeof raw === 'string') {
    try {
      value = raw.trim() === '' ? {} : JSON.parse(raw);
    } catch {
      throw new ContextError(key, `${shape}, got ${show(raw)}.`);
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ContextError(key, `${shape}, got ${show(raw)}.`);
  }
  for (const [owner, prefix] of Object.entries(value)) {
    const problem = checkOwner(owner);
    if (problem !== undefined) throw new ContextError(key, problem);
    if (typeof prefix !== 'string' || CONTROL_CHARACTERS.test(prefix) || Buffer.byteLength(prefix, 'utf8') > 1024) {
      throw new ContextError(
        key,
        `the prefix of "${owner}" must be a string of at most 1024 bytes without control characters.`,
      );
    }
  }
  if (Buffer.byteLength(JSON.stringify(value), 'utf8') > MAX_PRODUCER_SCOPE_JSON_BYTES) {
    throw new ContextError(
      key,
      `must be at most ${MAX_PRODUCER_SCOPE_JSON_BYTES} bytes as JSON: it becomes a Lambda environment variable.`,
    );
  }
  return value as Readonly<Record<string, string>>;
};

/**
 * uploadKeyPrefix: "" disables uploads. Otherwise the rule lambda/core/upload-rules.ts applies to
 * UPLOAD_KEY_PREFIX (restated here: lib/ may not import lambda/; test/infra/context.test.ts holds them
 * equal): it ends in "/", holds no IAM wildcard or policy variable, no control character, no "." or ".."
 * segment, and leaves room for a name within S3's 1024-byte keys.
 */
const uploadKeyPrefix = (lookup: Lookup): string | undefined => {
  const key = 'uploadKeyPrefix';
  const raw = lookup(key) ?? CONTEXT_DEFAULTS[key];
  if (typeof raw !== 'string') throw new ContextError(key, `expected a string, got ${show(raw)}.`);
  if (raw === '') return undefined;
  const problem = !raw.endsWith('/')
    ? 'must end with "/", such as "incoming/" (without it the IAM grant would also cover "incoming-old/…" and "incoming.txt")'
    : Buffer.byteLength(raw, 'utf8') > 1023
      ? 'must be at most 1023 bytes'
      : /[*?$]/.test(raw)
        ? 'must not contain "*", "?" or "$" (IAM reads them as wildcards and variables in the grant)'
        : CONTROL_CHARACTERS.test(raw)
          ? 'must not contain control characters'
          : raw.split('/').some((segment) => segment === '.' || segment === '..')
            ? 'must not have a "." or ".." path segment'
            : undefined;
  if (problem !== undefined) throw new ContextError(key, `${problem}; got ${show(raw)}.`);
  return raw;
};

const apiLogLevel = (lookup: Lookup): ApiLogLevel => {
  if (text(lookup, 'apiLogLevel') === 'INFO') {
    throw new ContextError(
      'apiLogLevel',
      'INFO is not offered: API Gateway execution logs at INFO record request parameters and authorizer input, and the nonce is both; use ERROR or OFF.',
    );
  }
  return oneOf(lookup, 'apiLogLevel', ['OFF', 'ERROR'] as const);
};

const ORIGIN = /^https?:\/\/[a-z0-9.-]+(:\d{1,5})?$/i;
// Bucket naming rules: 3-63 characters, lower case, digits, dots and hyphens, starting and ending alphanumeric.
export const BUCKET_NAME = /^(?!xn--)(?!.*\.\.)(?!\d+\.\d+\.\d+\.\d+$)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
// Deliberately plain: enough to catch a typo or a missing value before SNS sends a confirmation nowhere.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const STAGE_NAME = /^[A-Za-z0-9_-]{1,128}$/;
// CloudFormation stack names: a letter, then letters, digits and hyphens, at most 128 characters.
const STACK_NAME = /^[A-Za-z][A-Za-z0-9-]{0,127}$/;

const publicBaseUrl = (lookup: Lookup): string | undefined => {
  const value = optionalText(lookup, 'publicBaseUrl');
  if (value === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ContextError('publicBaseUrl', `expected an absolute https URL, got "${value}".`);
  }
  if (url.protocol !== 'https:' || url.search !== '' || url.hash !== '' || url.username !== '') {
    throw new ContextError(
      'publicBaseUrl',
      `expected an https URL without query, fragment or credentials, got "${value}".`,
    );
  }
  return value.replace(/\/+$/, '');
};

/** Reads and validates every option; throws a ContextError naming the first bad one. */
export const readSettings = (lookup: Lookup): StackSettings => {
  const stackName = text(lookup, 'stackName');
  if (!STACK_NAME.test(stackName)) {
    throw new ContextError('stackName', `expected a CloudFormation stack name, got "${stackName}".`);
  }
  const tooLong = stackNameLengthProblem(stackName);
  if (tooLong !== undefined) throw new ContextError('stackName', tooLong);

  const allowedOrigins = list(lookup, 'allowedOrigins');
  for (const origin of allowedOrigins) {
    if (!ORIGIN.test(origin)) {
      throw new ContextError(
        'allowedOrigins',
        `"${origin}" is not an origin: give scheme and host (and port), such as https://app.example.com; "*" is refused.`,
      );
    }
  }

  const existingBucketName = optionalText(lookup, 'existingBucketName');
  if (existingBucketName !== undefined && !BUCKET_NAME.test(existingBucketName)) {
    throw new ContextError('existingBucketName', `"${existingBucketName}" is not a valid S3 bucket name.`);
  }

  const allowedCidrs = list(lookup, 'allowedCidrs');
  for (const cidr of allowedCidrs) {
    const problem = checkCidr(cidr);
    if (problem !== undefined) throw new ContextError('allowedCidrs', problem);
  }

  const allowedVpcEndpoints = list(lookup, 'allowedVpcEndpoints');
  for (const endpoint of allowedVpcEndpoints) {
    if (!VPC_ENDPOINT_ID.test(endpoint)) {
      throw new ContextError(
        'allowedVpcEndpoints',
        `"${endpoint}" is not a VPC endpoint ID ("vpce-" and 8 or 17 lower-case hexadecimal digits).`,
      );
    }
  }

  const alarmEmail = optionalText(lookup, 'alarmEmail');
  if (alarmEmail !== undefined && !EMAIL.test(alarmEmail)) {
    throw new ContextError('alarmEmail', `"${alarmEmail}" is not an email address.`);
  }

  const logRetentionDays = number(lookup, 'logRetentionDays', { min: 1, max: 3653, integer: true });
  if (!(LOG_RETENTION_DAYS as readonly number[]).includes(logRetentionDays)) {
    throw new ContextError(
      'logRetentionDays',
      `CloudWatch Logs accepts only ${LOG_RETENTION_DAYS.join(', ')}; got ${logRetentionDays}.`,
    );
  }

  const stageName = text(lookup, 'stageName');
  if (!STAGE_NAME.test(stageName)) {
    throw new ContextError('stageName', `expected letters, digits, "-" or "_", got "${stageName}".`);
  }

  const baseUrl = publicBaseUrl(lookup);
  const uploadPrefix = uploadKeyPrefix(lookup);
  return {
    stackName,
    removalPolicy: oneOf(lookup, 'removalPolicy', ['retain', 'destroy'] as const),
    allowedOrigins,
    ...(existingBucketName === undefined ? {} : { existingBucketName }),
    // WAF rate-based rules accept 10 to 2,000,000,000 requests per window.
    rateLimitPer5Min: number(lookup, 'rateLimitPer5Min', { min: 10, max: 2_000_000_000, integer: true }),
    allowedCidrs,
    allowedVpcEndpoints,
    // API Gateway's account-level quotas (10,000 requests per second, burst 5,000) bound every method's.
    throttlingRateLimit: number(lookup, 'throttlingRateLimit', { min: 1, max: 10_000, integer: false }),
    throttlingBurstLimit: number(lookup, 'throttlingBurstLimit', { min: 1, max: 5_000, integer: true }),
    consumerThrottlingRateLimit: number(lookup, 'consumerThrottlingRateLimit', { min: 1, max: 10_000, integer: false }),
    consumerThrottlingBurstLimit: number(lookup, 'consumerThrottlingBurstLimit', { min: 1, max: 5_000, integer: true }),
    ...(alarmEmail === undefined ? {} : { alarmEmail }),
    requireMfa: boolean(lookup, 'requireMfa'),
    presignTtlSeconds: number(lookup, 'presignTtlSeconds', {
      min: PRESIGN_TTL_MIN_SECONDS,
      max: PRESIGN_TTL_MAX_SECONDS,
      integer: true,
    }),
    // The same ranges the functions accept for MAX_EXPIRES_IN_SECONDS and MAX_USES_LIMIT.
    maxExpiresInSeconds: number(lookup, 'maxExpiresInSeconds', { min: 1, max: 31_536_000, integer: true }),
    maxUsesLimit: number(lookup, 'maxUsesLimit', { min: 1, max: 1_000_000, integer: true }),
    ...(baseUrl === undefined ? {} : { publicBaseUrl: baseUrl }),
    logRetentionDays,
    apiLogLevel: apiLogLevel(lookup),
    stageName,
    denialAlarmThreshold: number(lookup, 'denialAlarmThreshold', { min: 1, max: 1_000_000, integer: true }),
    apiGatewayCloudWatchRole: boolean(lookup, 'apiGatewayCloudWatchRole'),
    producerKeyPrefixes: producerKeyPrefixes(lookup),
    ...(uploadPrefix === undefined ? {} : { uploadKeyPrefix: uploadPrefix }),
  };
};

/** Reads the settings from a construct's context (the app's, given `cdk.json` and `-c`). */
export const settingsFromContext = (node: Node): StackSettings => readSettings((key) => node.tryGetContext(key));
