/**
 * The options of the service, typed, documented, with their defaults, and their one validator.
 *
 * Both ways in use it: the construct PresignedUrlNonce validates its props with it, and the ready stack's
 * context (lib/context.ts) only turns the strings of `-c key=value` into these types before calling it. A
 * bad value stops synthesis with one sentence that names the option, the same sentence for both; only its
 * first words say where the value came from (CDK context or the construct's props).
 *
 * Adding an option: a member of PresignedUrlNonceOptions (JSDoc with `@default`; the README's props table
 * is generated from it), its default in OPTION_DEFAULTS (or none, for an optional one), its check in
 * resolveOptions, and its context form in lib/context.ts (CONTEXT_DEFAULTS and CONTEXT_KINDS).
 */
import { isIPv4, isIPv6 } from 'node:net';
import { RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { STACK_NAME, stackNameLengthProblem } from './name-limits.js';

/**
 * Execution logging: off, or errors only. INFO is refused: AWS documents that execution logs record
 * "request and response parameter values" and "data used by Lambda authorizers", redacting only
 * authorization headers, API keys and similar parameters — the nonce is a query parameter and the
 * authorizer's identity source, so INFO would log live nonces of every redemption (docs/aws-behaviour.md).
 */
export type ApiLogLevel = 'OFF' | 'ERROR';

/** The service's options, each the same as the ready stack's context option of that name. */
export interface PresignedUrlNonceOptions {
  /**
   * What happens to the table, the buckets it creates, the log groups and the alarm key when the stack is
   * deleted: `RemovalPolicy.RETAIN` (which also turns on the table's deletion protection) or
   * `RemovalPolicy.DESTROY`. A non-empty bucket is never deleted.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Browser origins (`https://app.example.com`) allowed to GET and HEAD presigned URLs (S3 CORS); `*` is refused.
   * @default - none: no CORS rule
   */
  readonly allowedOrigins?: readonly string[];
  /**
   * WAF: requests per client IP per 5 minutes before it is answered 429 (10 to 2,000,000,000).
   * @default 1000
   */
  readonly rateLimitPer5Min?: number;
  /**
   * When not empty, only these IPv4/IPv6 CIDR blocks reach the API (WAF, 403 otherwise), and the bucket
   * refuses presigned GETs from any other address (`aws:SourceIp`). Network addresses only: WAF refuses host bits.
   * @default - none: every address
   */
  readonly allowedCidrs?: readonly string[];
  /**
   * VPC endpoint IDs (`vpce-…`) through which presigned GETs may also reach the bucket (`aws:SourceVpce`).
   * Set alone, it restricts presigned GETs to these endpoints.
   * @default - none
   */
  readonly allowedVpcEndpoints?: readonly string[];
  /**
   * Requests per second of each producer method (the stage's default method throttling), 1 to 10,000.
   * @default 50
   */
  readonly throttlingRateLimit?: number;
  /**
   * Burst of each producer method, 1 to 5,000.
   * @default 100
   */
  readonly throttlingBurstLimit?: number;
  /**
   * Requests per second of GET /access-object, and again of POST /access-object (a method setting each), 1 to 10,000.
   * @default 50
   */
  readonly consumerThrottlingRateLimit?: number;
  /**
   * Burst of GET /access-object, and again of POST, 1 to 5,000.
   * @default 100
   */
  readonly consumerThrottlingBurstLimit?: number;
  /**
   * An address subscribed to the alarm topic this construct creates (confirm the email SNS sends).
   * Not together with `alarmTopic`.
   * @default - no subscription
   */
  readonly alarmEmail?: string;
  /**
   * The producer policy (and `grantProduce`) require an MFA-authenticated session
   * (`aws:MultiFactorAuthPresent`): people, not workloads.
   * @default false
   */
  readonly requireMfa?: boolean;
  /**
   * Life of a presigned GET in seconds (10 to 300: signing times are whole seconds), and the bucket
   * policy's `s3:signatureAge` limit.
   * @default 60
   */
  readonly presignTtlSeconds?: number;
  /**
   * Upper bound of a nonce's `expiresInSeconds` (1 to 31,536,000).
   * @default 604800
   */
  readonly maxExpiresInSeconds?: number;
  /**
   * Upper bound of a nonce's `maxUses` (1 to 1,000,000).
   * @default 100
   */
  readonly maxUsesLimit?: number;
  /**
   * An `https://` custom domain (and base path) for `accessUrl`.
   * @default - the API's own URL
   */
  readonly publicBaseUrl?: string;
  /**
   * Retention of every log group, and expiry of the S3 access logs: a value CloudWatch Logs accepts
   * (`RetentionDays.THREE_MONTHS` is 90), never `INFINITE`.
   * @default RetentionDays.THREE_MONTHS
   */
  readonly logRetentionDays?: RetentionDays;
  /**
   * API Gateway execution logging, `'OFF'` or `'ERROR'`; INFO is refused (it records request parameters
   * and authorizer input, and the nonce is both). Data tracing is always off.
   * @default 'OFF'
   */
  readonly apiLogLevel?: ApiLogLevel;
  /**
   * The API Gateway stage: the first path segment of the URL.
   * @default 'prod'
   */
  readonly stageName?: string;
  /**
   * Authorizer denials of malformed or unknown nonces per 5 minutes that raise the guessing alarm.
   * @default 50
   */
  readonly denialAlarmThreshold?: number;
  /**
   * Set the region's API Gateway CloudWatch Logs role (an account-wide setting, retained on deletion);
   * `false` when the account already has one.
   * @default true
   */
  readonly apiGatewayCloudWatchRole?: boolean;
  /**
   * Optional producer scope: an owner (an IAM user or root ARN, `arn:aws:sts::ACCOUNT:assumed-role/ROLE`,
   * a federated-user ARN) or `'*'` (everyone else) → the key prefix it may mint under; `''` is the whole bucket.
   * @default - no scope: every producer may mint any key of the bucket
   */
  readonly producerKeyPrefixes?: Readonly<Record<string, string>>;
  /**
   * Upload nonces (`"operation": "upload"`) may put one object each under this key prefix, which ends in
   * `/`; AccessObject then holds `s3:PutObject` on `bucket/<prefix>*` and nothing wider, and the bucket
   * denies stale or (with an allow list) foreign presigned POSTs there.
   * @default - uploads disabled: no `s3:PutObject` anywhere
   */
  readonly uploadKeyPrefix?: string;
}

/** Every option's name. */
export type OptionKey = keyof PresignedUrlNonceOptions;

/** The options without a default: unset unless given. */
type OptionalKey = 'alarmEmail' | 'publicBaseUrl' | 'uploadKeyPrefix';

/** The options after validation: defaults filled in, normalised. */
export type ResolvedOptions = Required<Omit<PresignedUrlNonceOptions, OptionalKey>> &
  Pick<PresignedUrlNonceOptions, OptionalKey>;

/** The defaults of every option that has one. */
export const OPTION_DEFAULTS = {
  removalPolicy: RemovalPolicy.RETAIN,
  allowedOrigins: [],
  rateLimitPer5Min: 1000,
  allowedCidrs: [],
  allowedVpcEndpoints: [],
  throttlingRateLimit: 50,
  throttlingBurstLimit: 100,
  consumerThrottlingRateLimit: 50,
  consumerThrottlingBurstLimit: 100,
  requireMfa: false,
  presignTtlSeconds: 60,
  maxExpiresInSeconds: 604_800,
  maxUsesLimit: 100,
  logRetentionDays: RetentionDays.THREE_MONTHS,
  apiLogLevel: 'OFF',
  stageName: 'prod',
  denialAlarmThreshold: 50,
  apiGatewayCloudWatchRole: true,
  producerKeyPrefixes: {},
} as const satisfies Omit<ResolvedOptions, OptionalKey>;

/** Where a value came from: the ready stack's CDK context, or the construct's props. */
export type OptionSource = 'context' | 'props';

/** A bad option value, in one sentence that names the option and says what is expected. */
export class OptionError extends Error {
  constructor(
    public readonly source: OptionSource,
    public readonly option: string,
    public readonly problem: string,
  ) {
    super(
      `${source === 'context' ? 'Invalid CDK context value' : 'Invalid PresignedUrlNonce property'} "${option}": ${problem}`,
    );
    this.name = 'OptionError';
  }
}

/** The values CloudWatch Logs accepts for a log group's retention. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** The same bounds the functions enforce on PRESIGN_TTL_SECONDS (the minimum: signing times are whole seconds). */
export const PRESIGN_TTL_MIN_SECONDS = 10;
export const PRESIGN_TTL_MAX_SECONDS = 300;

export const show = (value: unknown): string => (typeof value === 'string' ? `"${value}"` : JSON.stringify(value));

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

const ORIGIN = /^https?:\/\/[a-z0-9.-]+(:\d{1,5})?$/i;
// Deliberately plain: enough to catch a typo or a missing value before SNS sends a confirmation nowhere.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const STAGE_NAME = /^[A-Za-z0-9_-]{1,128}$/;

/** What the validator reads: the options as given (typed props, or context values already coerced). */
export type OptionsInput = { readonly [K in OptionKey]?: unknown } & {
  /** The construct's name prefix (`namePrefix`, by default the stack's name). */
  readonly namePrefix?: unknown;
  /** Whether the construct was given an alarm topic of its own. */
  readonly alarmTopic?: unknown;
};

/**
 * Validates every option and fills in the defaults; throws an OptionError naming the first bad one. It
 * checks types at run time too: the construct may be used from JavaScript, and context values arrive as
 * whatever cdk.json or `-c` held.
 */
export const resolveOptions = (input: OptionsInput, source: OptionSource): ResolvedOptions => {
  const fail = (option: string, problem: string): never => {
    throw new OptionError(source, option, problem);
  };
  const given = <K extends OptionKey>(key: K): unknown =>
    input[key] ?? (OPTION_DEFAULTS as Partial<Record<OptionKey, unknown>>)[key];

  const text = (key: OptionKey): string => {
    const value = given(key);
    return typeof value === 'string' ? value : fail(key, `expected a string, got ${show(value)}.`);
  };
  const number = (key: OptionKey, min: number, max: number, integer: boolean): number => {
    const value = given(key);
    const kind = integer ? 'a whole number' : 'a number';
    if (typeof value !== 'number' || !Number.isFinite(value) || (integer && !Number.isInteger(value))) {
      return fail(key, `expected ${kind} from ${min} to ${max}, got ${show(value)}.`);
    }
    return value < min || value > max ? fail(key, `expected ${kind} from ${min} to ${max}, got ${value}.`) : value;
  };
  const boolean = (key: OptionKey): boolean => {
    const value = given(key);
    return typeof value === 'boolean' ? value : fail(key, `expected true or false, got ${show(value)}.`);
  };
  const list = (key: OptionKey, check: (item: string) => string | undefined): string[] => {
    const value = given(key);
    if (!Array.isArray(value) || !value.every((item): item is string => typeof item === 'string')) {
      return fail(key, `expected a list of strings, got ${show(value)}.`);
    }
    for (const item of value) {
      const problem = check(item);
      if (problem !== undefined) fail(key, problem);
    }
    return [...value];
  };
  const oneOf = <T extends string>(key: OptionKey, allowed: readonly T[]): T => {
    const value = text(key);
    return (
      allowed.find((candidate) => candidate === value) ??
      fail(key, `expected one of ${allowed.join(', ')}, got "${value}".`)
    );
  };
  const optional = (key: OptionalKey, check: (value: string) => string): string | undefined => {
    const value = input[key];
    if (value === undefined) return undefined;
    return typeof value === 'string' ? check(value) : fail(key, `expected a string, got ${show(value)}.`);
  };

  if (input.namePrefix !== undefined) {
    const prefix = input.namePrefix;
    if (typeof prefix !== 'string' || !STACK_NAME.test(prefix)) {
      fail(
        'namePrefix',
        `expected a letter, then letters, digits or hyphens (as in a stack name), got ${show(prefix)}.`,
      );
    } else {
      const tooLong = stackNameLengthProblem(prefix, 'namePrefix');
      if (tooLong !== undefined) fail('namePrefix', `${tooLong} It defaults to the stack's name.`);
    }
  }

  const allowedOrigins = list('allowedOrigins', (origin) =>
    ORIGIN.test(origin)
      ? undefined
      : `"${origin}" is not an origin: give scheme and host (and port), such as https://app.example.com; "*" is refused.`,
  );
  const allowedCidrs = list('allowedCidrs', checkCidr);
  const allowedVpcEndpoints = list('allowedVpcEndpoints', (endpoint) =>
    VPC_ENDPOINT_ID.test(endpoint)
      ? undefined
      : `"${endpoint}" is not a VPC endpoint ID ("vpce-" and 8 or 17 lower-case hexadecimal digits).`,
  );

  const alarmEmail = optional('alarmEmail', (email) =>
    EMAIL.test(email) ? email : fail('alarmEmail', `"${email}" is not an email address.`),
  );
  if (alarmEmail !== undefined && input.alarmTopic !== undefined) {
    fail('alarmEmail', 'give alarmEmail or alarmTopic, not both: subscribe the address to your own topic instead.');
  }

  const logRetentionDays = number('logRetentionDays', 1, 3653, true);
  if (!(LOG_RETENTION_DAYS as readonly number[]).includes(logRetentionDays)) {
    fail('logRetentionDays', `CloudWatch Logs accepts only ${LOG_RETENTION_DAYS.join(', ')}; got ${logRetentionDays}.`);
  }

  const stageName = text('stageName');
  if (!STAGE_NAME.test(stageName)) fail('stageName', `expected letters, digits, "-" or "_", got "${stageName}".`);

  const publicBaseUrl = optional('publicBaseUrl', (value) => {
    let url: URL | undefined;
    try {
      url = new URL(value);
    } catch {
      return fail('publicBaseUrl', `expected an absolute https URL, got "${value}".`);
    }
    if (url.protocol !== 'https:' || url.search !== '' || url.hash !== '' || url.username !== '') {
      fail('publicBaseUrl', `expected an https URL without query, fragment or credentials, got "${value}".`);
    }
    return value.replace(/\/+$/, '');
  });

  const uploadKeyPrefix = optional('uploadKeyPrefix', (prefix) => {
    const problem = uploadKeyPrefixProblem(prefix);
    return problem === undefined ? prefix : fail('uploadKeyPrefix', `${problem}; got ${show(prefix)}.`);
  });

  if (text('apiLogLevel') === 'INFO') {
    fail(
      'apiLogLevel',
      'INFO is not offered: API Gateway execution logs at INFO record request parameters and authorizer input, and the nonce is both; use ERROR or OFF.',
    );
  }

  return {
    removalPolicy: oneOf('removalPolicy', [RemovalPolicy.RETAIN, RemovalPolicy.DESTROY]),
    allowedOrigins,
    // WAF rate-based rules accept 10 to 2,000,000,000 requests per window.
    rateLimitPer5Min: number('rateLimitPer5Min', 10, 2_000_000_000, true),
    allowedCidrs,
    allowedVpcEndpoints,
    // API Gateway's account-level quotas (10,000 requests per second, burst 5,000) bound every method's.
    throttlingRateLimit: number('throttlingRateLimit', 1, 10_000, false),
    throttlingBurstLimit: number('throttlingBurstLimit', 1, 5_000, true),
    consumerThrottlingRateLimit: number('consumerThrottlingRateLimit', 1, 10_000, false),
    consumerThrottlingBurstLimit: number('consumerThrottlingBurstLimit', 1, 5_000, true),
    ...(alarmEmail === undefined ? {} : { alarmEmail }),
    requireMfa: boolean('requireMfa'),
    presignTtlSeconds: number('presignTtlSeconds', PRESIGN_TTL_MIN_SECONDS, PRESIGN_TTL_MAX_SECONDS, true),
    // The same ranges the functions accept for MAX_EXPIRES_IN_SECONDS and MAX_USES_LIMIT.
    maxExpiresInSeconds: number('maxExpiresInSeconds', 1, 31_536_000, true),
    maxUsesLimit: number('maxUsesLimit', 1, 1_000_000, true),
    ...(publicBaseUrl === undefined ? {} : { publicBaseUrl }),
    logRetentionDays: logRetentionDays as RetentionDays,
    apiLogLevel: oneOf('apiLogLevel', ['OFF', 'ERROR'] as const),
    stageName,
    denialAlarmThreshold: number('denialAlarmThreshold', 1, 1_000_000, true),
    apiGatewayCloudWatchRole: boolean('apiGatewayCloudWatchRole'),
    producerKeyPrefixes: producerKeyPrefixes(given('producerKeyPrefixes'), fail),
    ...(uploadKeyPrefix === undefined ? {} : { uploadKeyPrefix }),
  };
};

/**
 * uploadKeyPrefix: the rule lambda/core/upload-rules.ts applies to UPLOAD_KEY_PREFIX (restated here: lib/
 * may not import lambda/; test/infra/context.test.ts holds them equal). It ends in "/", holds no IAM
 * wildcard or policy variable, no control character, no "." or ".." segment, and leaves room for a name
 * within S3's 1024-byte keys.
 */
const uploadKeyPrefixProblem = (prefix: string): string | undefined =>
  !prefix.endsWith('/')
    ? 'must end with "/", such as "incoming/" (without it the IAM grant would also cover "incoming-old/…" and "incoming.txt")'
    : Buffer.byteLength(prefix, 'utf8') > 1023
      ? 'must be at most 1023 bytes'
      : /[*?$]/.test(prefix)
        ? 'must not contain "*", "?" or "$" (IAM reads them as wildcards and variables in the grant)'
        : CONTROL_CHARACTERS.test(prefix)
          ? 'must not contain control characters'
          : prefix.split('/').some((segment) => segment === '.' || segment === '..')
            ? 'must not have a "." or ".." path segment'
            : undefined;

/** producerKeyPrefixes: an object of owner → key prefix; `{}` is no scope. */
const producerKeyPrefixes = (
  value: unknown,
  fail: (option: string, problem: string) => never,
): Readonly<Record<string, string>> => {
  const key = 'producerKeyPrefixes';
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return fail(key, `expected a JSON object mapping an owner ARN (or "*") to a key prefix, got ${show(value)}.`);
  }
  for (const [owner, prefix] of Object.entries(value)) {
    const problem = checkOwner(owner);
    if (problem !== undefined) fail(key, problem);
    if (typeof prefix !== 'string' || CONTROL_CHARACTERS.test(prefix) || Buffer.byteLength(prefix, 'utf8') > 1024) {
      fail(key, `the prefix of "${owner}" must be a string of at most 1024 bytes without control characters.`);
    }
  }
  if (Buffer.byteLength(JSON.stringify(value), 'utf8') > MAX_PRODUCER_SCOPE_JSON_BYTES) {
    fail(
      key,
      `must be at most ${MAX_PRODUCER_SCOPE_JSON_BYTES} bytes as JSON: it becomes a Lambda environment variable.`,
    );
  }
  return { ...(value as Readonly<Record<string, string>>) };
};
