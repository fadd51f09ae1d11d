/**
 * Context keys nobody reads: `-c presignTTLSeconds=30` (a typo) would synthesize, and deploy the
 * default. Every key the app receives (cdk.json's context, `-c`, and what the CDK CLI adds) must be
 * one of CONTEXT_DEFAULTS or one of CDK's own.
 */
import { CONTEXT_DEFAULTS } from './context.js';

export class UnknownContextOptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnknownContextOptionError';
  }
}

/**
 * CDK's own keys: feature flags (`@aws-cdk/…`, `@aws-cdk-containers/…`), the CLI's (`aws:cdk:…`,
 * `aws-cdk:…`, `cli-telemetry`), `cdk acknowledge`'s and the lookup cache's (`…:account=…`) in
 * cdk.context.json.
 */
const isCdkKey = (key: string): boolean =>
  key.startsWith('@aws-cdk') ||
  key.startsWith('aws:cdk:') ||
  key.startsWith('aws-cdk:') ||
  key === 'cli-telemetry' ||
  key === 'acknowledged-issue-numbers' ||
  key.includes(':account=');

/** Levenshtein distance, case-insensitive: a wrong case is the commonest typo of all. */
const distance = (a: string, b: string): number => {
  const left = a.toLowerCase();
  const right = b.toLowerCase();
  let previous = Array.from({ length: right.length + 1 }, (_, index) => index);
  for (let i = 1; i <= left.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= right.length; j += 1) {
      const substitution = (previous[j - 1] ?? 0) + (left[i - 1] === right[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[right.length] ?? 0;
};

/** The known option the key most likely meant: close in spelling, or a prefix of it ("ratelimit"). */
const closest = (key: string, known: readonly string[]): string | undefined => {
  const prefixed = known.find((option) => option.toLowerCase().startsWith(key.toLowerCase()) && key.length >= 4);
  if (prefixed !== undefined) return prefixed;
  const [best] = [...known].sort((a, b) => distance(key, a) - distance(key, b));
  return best !== undefined && distance(key, best) <= Math.max(2, Math.floor(key.length / 4)) ? best : undefined;
};

/** Throws UnknownContextOptionError, in one sentence, for the first key that is neither ours nor CDK's. */
export const checkContextOptions = (context: Readonly<Record<string, unknown>>): void => {
  const known = Object.keys(CONTEXT_DEFAULTS);
  const unknown = Object.keys(context).find((key) => !known.includes(key) && !isCdkKey(key));
  if (unknown === undefined) return;
  const suggestion = closest(unknown, known);
  const meant = suggestion === undefined ? '' : ` (did you mean "${suggestion}"?)`;
  throw new UnknownContextOptionError(
    `Unknown CDK context option "${unknown}"${meant}: its value would be ignored and the default deployed; ` +
      `the options are ${known.join(', ')}.`,
  );
};
