/**
 * Reading configuration from the environment, once, when a module loads. A bad or missing value
 * throws at once with the variable's name, so a misconfigured function fails its first cold start
 * loudly instead of answering requests wrongly.
 */

export type Env = Readonly<Record<string, string | undefined>>;

export class ConfigError extends Error {
  constructor(name: string, problem: string) {
    super(`Environment variable ${name} ${problem}`);
    this.name = 'ConfigError';
  }
}

export const optionalString = (env: Env, name: string): string | undefined => {
  const value = env[name];
  return value === undefined || value === '' ? undefined : value;
};

export const requiredString = (env: Env, name: string): string => {
  const value = optionalString(env, name);
  if (value === undefined) throw new ConfigError(name, 'is required but not set.');
  return value;
};

export const integerInRange = (
  env: Env,
  name: string,
  bounds: { readonly fallback: number; readonly min: number; readonly max: number },
): number => {
  const raw = optionalString(env, name);
  if (raw === undefined) return bounds.fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `must be a whole number, got "${raw}".`);
  const value = Number(raw);
  if (value < bounds.min || value > bounds.max) {
    throw new ConfigError(name, `must be from ${bounds.min} to ${bounds.max}, got ${value}.`);
  }
  return value;
};

export const optionalUrl = (env: Env, name: string): string | undefined => {
  const value = optionalString(env, name);
  if (value === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(name, `must be an absolute http(s) URL, got "${value}".`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ConfigError(name, `must be an absolute http(s) URL, got "${value}".`);
  }
  return value.replace(/\/+$/, '');
};

/** "true" or "false", as the AWS SDK reads its boolean settings (AWS_USE_FIPS_ENDPOINT, …); else unset. */
export const optionalBoolean = (env: Env, name: string): boolean | undefined => {
  const value = optionalString(env, name);
  if (value === undefined) return undefined;
  if (value !== 'true' && value !== 'false') throw new ConfigError(name, `must be "true" or "false", got "${value}".`);
  return value === 'true';
};
