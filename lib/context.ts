/**
 * The ready stack's options, read from CDK context (`cdk.json` or `-c key=value`) at synth time.
 *
 * Values given with `-c` always arrive as strings; values from `cdk.json` keep their JSON type. This module
 * only turns those strings into the options' types (`-c requireMfa=true`, `-c allowedCidrs=203.0.113.0/24,
 * 2001:db8::/32` or a JSON array, a JSON object for producerKeyPrefixes) and checks the two options the
 * construct does not have (stackName, existingBucketName); every other check is lib/options.ts's, the one
 * the construct's props go through, so a bad value gives the same sentence either way.
 */
import type { Node } from 'constructs';
import { STACK_NAME, stackNameLengthProblem } from './name-limits.js';
import { OPTION_DEFAULTS, OptionError, type OptionKey, type ResolvedOptions, resolveOptions, show } from './options.js';

export interface StackSettings extends ResolvedOptions {
  /** The CloudFormation stack name. */
  readonly stackName: string;
  /** Front an existing bucket instead of creating one. */
  readonly existingBucketName?: string;
}

/**
 * Every option with its default. `cdk.json` repeats these (a test keeps the two equal); an empty string
 * means "not set" for the optional ones, because `-c` cannot express `undefined`.
 */
export const CONTEXT_DEFAULTS = {
  stackName: 'PresignedUrlNonce',
  ...OPTION_DEFAULTS,
  existingBucketName: '',
  alarmEmail: '',
  publicBaseUrl: '',
  uploadKeyPrefix: '',
} as const;

export type ContextKey = keyof typeof CONTEXT_DEFAULTS;

/** How each option is written in context, and so how its strings are read. */
const CONTEXT_KINDS = {
  stackName: 'text',
  removalPolicy: 'text',
  allowedOrigins: 'list',
  existingBucketName: 'optionalText',
  rateLimitPer5Min: 'number',
  allowedCidrs: 'list',
  allowedVpcEndpoints: 'list',
  throttlingRateLimit: 'number',
  throttlingBurstLimit: 'number',
  consumerThrottlingRateLimit: 'number',
  consumerThrottlingBurstLimit: 'number',
  alarmEmail: 'optionalText',
  requireMfa: 'boolean',
  presignTtlSeconds: 'number',
  maxExpiresInSeconds: 'number',
  maxUsesLimit: 'number',
  publicBaseUrl: 'optionalText',
  logRetentionDays: 'number',
  apiLogLevel: 'text',
  stageName: 'text',
  denialAlarmThreshold: 'number',
  apiGatewayCloudWatchRole: 'boolean',
  producerKeyPrefixes: 'object',
  uploadKeyPrefix: 'optionalText',
} as const satisfies Record<ContextKey, 'text' | 'optionalText' | 'number' | 'boolean' | 'list' | 'object'>;

/** A bad context value; the message names the option ("Invalid CDK context value …"). */
export class ContextError extends OptionError {
  constructor(key: ContextKey, problem: string) {
    super('context', key, problem);
    this.name = 'ContextError';
  }
}

/**
 * A context value in its option's type when its text is unambiguous; anything else is passed on as it is,
 * for the validator to refuse in its own words. Only a list written as broken JSON is refused here: that
 * is a matter of how context is written.
 */
const coerce = (key: ContextKey, raw: unknown): unknown => {
  const kind = CONTEXT_KINDS[key];
  if (typeof raw !== 'string') {
    if (kind === 'list' && Array.isArray(raw))
      return raw.map((item) => (typeof item === 'string' ? item.trim() : item));
    return raw === null && kind === 'optionalText' ? undefined : raw;
  }
  const trimmed = raw.trim();
  switch (kind) {
    case 'text':
      return trimmed;
    case 'optionalText':
      return trimmed === '' ? undefined : trimmed;
    case 'number':
      return trimmed !== '' && Number.isFinite(Number(trimmed)) ? Number(trimmed) : raw;
    case 'boolean':
      return trimmed === 'true' ? true : trimmed === 'false' ? false : raw;
    case 'list': {
      if (!trimmed.startsWith('[')) return trimmed === '' ? [] : trimmed.split(',').map((item) => item.trim());
      try {
        return coerce(key, JSON.parse(trimmed));
      } catch {
        throw new ContextError(key, `expected a JSON array of strings, got ${show(raw)}.`);
      }
    }
    case 'object':
      try {
        return trimmed === '' ? {} : JSON.parse(trimmed);
      } catch {
        return raw;
      }
  }
};

type Lookup = (key: ContextKey) => unknown;

/** Whether a list option's item was left empty (`a,,b` or a trailing comma): dropped, as it says nothing. */
const withoutEmptyItems = (value: unknown): unknown =>
  Array.isArray(value) ? value.filter((item) => item !== '') : value;

// Bucket naming rules: 3-63 characters, lower case, digits, dots and hyphens, starting and ending alphanumeric.
export const BUCKET_NAME = /^(?!xn--)(?!.*\.\.)(?!\d+\.\d+\.\d+\.\d+$)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** Reads and validates every option; throws an OptionError (a ContextError for the stack's own) naming the first bad one. */
export const readSettings = (lookup: Lookup): StackSettings => {
  const value = (key: ContextKey): unknown => {
    const coerced = coerce(key, lookup(key) ?? CONTEXT_DEFAULTS[key]);
    return CONTEXT_KINDS[key] === 'list' ? withoutEmptyItems(coerced) : coerced;
  };

  const stackName = value('stackName');
  if (typeof stackName !== 'string' || !STACK_NAME.test(stackName)) {
    throw new ContextError('stackName', `expected a CloudFormation stack name, got ${show(stackName)}.`);
  }
  const tooLong = stackNameLengthProblem(stackName);
  if (tooLong !== undefined) throw new ContextError('stackName', tooLong);

  const existingBucketName = value('existingBucketName');
  if (
    existingBucketName !== undefined &&
    (typeof existingBucketName !== 'string' || !BUCKET_NAME.test(existingBucketName))
  ) {
    throw new ContextError('existingBucketName', `${show(existingBucketName)} is not a valid S3 bucket name.`);
  }

  const optionKeys = Object.keys(CONTEXT_KINDS).filter(
    (key): key is OptionKey => key !== 'stackName' && key !== 'existingBucketName',
  );
  const options = resolveOptions(Object.fromEntries(optionKeys.map((key) => [key, value(key)])), 'context');
  return { stackName, ...(existingBucketName === undefined ? {} : { existingBucketName }), ...options };
};

/** Reads the settings from a construct's context (the app's, given `cdk.json` and `-c`). */
export const settingsFromContext = (node: Node): StackSettings => readSettings((key) => node.tryGetContext(key));
