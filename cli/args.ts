import { type ParseArgsConfig, parseArgs } from 'node:util';
import { UsageError } from './exit-codes.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** The tokens that name one of `options` (or help): `--name`, `--name=value`, `-s`. */
const isOptionToken = (token: string, options: Options): boolean =>
  token === '--help' ||
  token === '-h' ||
  Object.entries(options).some(
    ([name, option]) =>
      token === `--${name}` ||
      token.startsWith(`--${name}=`) ||
      (option.short !== undefined && token === `-${option.short}`),
  );

/**
 * `--id -abc…` as `--id=-abc…`. parseArgs alone refuses a value that starts with "-" after a string
 * option as ambiguous, yet one nonceId in 64 starts with "-" (base64url), and an object key may too.
 * Only a token that names none of the command's options is taken as the value: `--key --json` still
 * fails as a missing value.
 */
const joinDashValues = (argv: readonly string[], options: Options): string[] => {
  const joined: string[] = [];
  for (let index = 0; index < argv.length; index += 1) {
    const token = argv[index] ?? '';
    if (token === '--') {
      joined.push(...argv.slice(index));
      break;
    }
    const name = Object.entries(options).find(
      ([long, option]) =>
        option.type === 'string' &&
        (token === `--${long}` || (option.short !== undefined && token === `-${option.short}`)),
    )?.[0];
    const next = argv[index + 1] ?? '';
    if (name !== undefined && next.startsWith('-') && next !== '--' && !isOptionToken(next, options)) {
      joined.push(`--${name}=${next}`);
      index += 1;
    } else {
      joined.push(token);
    }
  }
  return joined;
};

/** node:util parseArgs, strict, its errors as UsageError (exit 2) naming the command. */
export const parseCommandArgs = <O extends Options>(
  command: string,
  argv: readonly string[],
  options: O,
  allowPositionals = false,
) => {
  try {
    return parseArgs({ args: joinDashValues(argv, options), options, strict: true, allowPositionals });
  } catch (error: unknown) {
    // parseArgs' messages are good ("Unknown option '--kye'"); its codes are not for people.
    throw new UsageError(error instanceof Error ? error.message : String(error), command);
  }
};

export const required = (command: string, name: string, value: string | undefined): string => {
  if (value === undefined || value === '') throw new UsageError(`--${name} is required.`, command);
  return value;
};

/** A whole number from 1, as the API counts seconds and uses; the API checks the upper bound. */
export const positiveInteger = (command: string, name: string, value: string | undefined): number | undefined => {
  if (value === undefined) return undefined;
  if (!/^[1-9]\d{0,15}$/.test(value)) throw new UsageError(`--${name} must be a whole number from 1.`, command);
  return Number(value);
};

/** An ACCESS_URL argument the CLI can use: an absolute http(s) URL (else a usage error, exit 2). */
export const isHttpUrl = (value: string): boolean => {
  try {
    const { protocol } = new URL(value);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
};
