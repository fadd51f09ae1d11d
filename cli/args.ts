import { type ParseArgsConfig, parseArgs } from 'node:util';
import { UsageError } from './exit-codes.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** node:util parseArgs, strict, its errors as UsageError (exit 2) naming the command. */
export const parseCommandArgs = <O extends Options>(
  command: string,
  argv: readonly string[],
  options: O,
  allowPositionals = false,
) => {
  try {
    return parseArgs({ args: [...argv], options, strict: true, allowPositionals });
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
