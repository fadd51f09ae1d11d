/**
 * The settings a DynamoDB client would look up in the shared config files (`~/.aws/config`,
 * `~/.aws/credentials`), resolved without them when neither file exists. The SDK resolves each from the
 * environment, then the files, then its default, and reads the files on the first request: a cold start
 * pays for the file opens, the parser and the provider chains even where, as on Lambda, the stack sets no
 * AWS_CONFIG_FILE and ships no such file. Here, when the files are absent at load, each setting comes from
 * the SDK's own environment selector, else the SDK's own default, so every environment variable keeps
 * exactly its meaning (an unreadable value falls through to the default, as in the SDK), and the first
 * request looks nothing up. When either file exists (a developer's machine in local mode), nothing is set
 * and the SDK reads them as before. test/unit/adapters/shared-config-files.test.ts compares the outcome
 * with a plain client's and checks that no file is looked up.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  type AccountIdEndpointMode,
  DEFAULT_ACCOUNT_ID_ENDPOINT_MODE,
  NODE_ACCOUNT_ID_ENDPOINT_MODE_CONFIG_OPTIONS,
} from '@aws-sdk/core/account-id-endpoint';
import { DEFAULT_UA_APP_ID, NODE_APP_ID_CONFIG_OPTIONS } from '@aws-sdk/core/client';
import { NODE_AUTH_SCHEME_PREFERENCE_OPTIONS } from '@aws-sdk/core/httpAuthSchemes';
import {
  booleanSelector,
  DEFAULT_USE_DUALSTACK_ENDPOINT,
  DEFAULT_USE_FIPS_ENDPOINT,
  getHomeDir,
  NODE_USE_DUALSTACK_ENDPOINT_CONFIG_OPTIONS,
  NODE_USE_FIPS_ENDPOINT_CONFIG_OPTIONS,
  SelectorType,
} from '@smithy/core/config';
import { DEFAULT_RETRY_MODE, NODE_RETRY_MODE_CONFIG_OPTIONS } from '@smithy/core/retry';

type Environment = Record<string, string | undefined>;
type EnvironmentSelector<T> = (env: Environment) => T | undefined;

/** What the SDK's loadConfig answers when there are no files: the environment's value, else the default. */
const fromEnvironmentOrDefault = <T>(select: EnvironmentSelector<T>, fallback: T, env: Environment): T => {
  try {
    return select(env) ?? fallback;
  } catch {
    // The SDK's fromEnv turns a selector's error into "not found here", and its chain tries the next source.
    return fallback;
  }
};

/**
 * Not exported by @aws-sdk/core, which reads it as a boolean with SelectorType.ENV, default false
 * (httpAuthSchemes/aws_sdk/clock-skew-node-config in its sources).
 */
const disableClockSkewCorrection: EnvironmentSelector<boolean> = (env) =>
  booleanSelector(env, 'AWS_DISABLE_CLOCK_SKEW_CORRECTION', SelectorType.ENV);

/**
 * The endpoint the SDK takes from the environment before the files: AWS_ENDPOINT_URL_<SERVICE ID>, else
 * AWS_ENDPOINT_URL, unless AWS_IGNORE_CONFIGURED_ENDPOINT_URLS is true (the selectors of
 * @smithy/core's endpoints/middleware-endpoint/adaptors, which it does not export).
 */
const configuredEndpoint = (serviceId: string, env: Environment): string | undefined => {
  const ignore = (env: Environment) => booleanSelector(env, 'AWS_IGNORE_CONFIGURED_ENDPOINT_URLS', SelectorType.ENV);
  if (fromEnvironmentOrDefault(ignore, false, env)) return undefined;
  const suffix = serviceId.split(' ').map((word) => word.toUpperCase());
  return env[['AWS_ENDPOINT_URL', ...suffix].join('_')] || env.AWS_ENDPOINT_URL || undefined;
};

/** The files' paths as the SDK finds them (AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE, `~/` expanded). */
const sharedConfigFilePaths = (env: Environment): string[] =>
  [
    [env.AWS_CONFIG_FILE, 'config'],
    [env.AWS_SHARED_CREDENTIALS_FILE, 'credentials'],
  ].map(([configured, name]) => {
    const path = configured !== undefined && configured !== '' ? configured : `~/.aws/${name}`;
    return path.startsWith('~/') ? join(getHomeDir(), path.slice(2)) : path;
  });

export interface SettingsWithoutFiles {
  readonly useFipsEndpoint?: boolean;
  readonly useDualstackEndpoint?: boolean;
  readonly accountIdEndpointMode?: AccountIdEndpointMode;
  readonly authSchemePreference?: string[];
  /**
   * The client's own default is its defaults mode's retry mode, and every defaults mode's is the SDK's
   * default ("standard"); with no file the defaults mode is never resolved.
   */
  readonly retryMode?: string;
  readonly disableClockSkewCorrection?: boolean;
  readonly userAgentAppId?: () => Promise<string | undefined>;
  /** The SDK looks no endpoint up: the environment's configured one, if any, is passed as the endpoint. */
  readonly ignoreConfiguredEndpointUrls?: boolean;
  readonly endpoint?: string;
}

/** The settings to pass to a client; none when a shared config file exists and the SDK must read it. */
export const settingsWithoutSharedConfigFiles = (
  serviceId: string,
  env: Environment = process.env,
): SettingsWithoutFiles => {
  if (sharedConfigFilePaths(env).some((path) => existsSync(path))) return {};
  const appId = fromEnvironmentOrDefault(
    NODE_APP_ID_CONFIG_OPTIONS.environmentVariableSelector,
    DEFAULT_UA_APP_ID,
    env,
  );
  const endpoint = configuredEndpoint(serviceId, env);
  return {
    useFipsEndpoint: fromEnvironmentOrDefault(
      NODE_USE_FIPS_ENDPOINT_CONFIG_OPTIONS.environmentVariableSelector,
      DEFAULT_USE_FIPS_ENDPOINT,
      env,
    ),
    useDualstackEndpoint: fromEnvironmentOrDefault(
      NODE_USE_DUALSTACK_ENDPOINT_CONFIG_OPTIONS.environmentVariableSelector,
      DEFAULT_USE_DUALSTACK_ENDPOINT,
      env,
    ),
    accountIdEndpointMode: fromEnvironmentOrDefault(
      NODE_ACCOUNT_ID_ENDPOINT_MODE_CONFIG_OPTIONS.environmentVariableSelector,
      DEFAULT_ACCOUNT_ID_ENDPOINT_MODE,
      env,
    ),
    // Its default is an empty preference (NODE_AUTH_SCHEME_PREFERENCE_OPTIONS.default).
    authSchemePreference: fromEnvironmentOrDefault(
      NODE_AUTH_SCHEME_PREFERENCE_OPTIONS.environmentVariableSelector,
      [],
      env,
    ),
    retryMode: fromEnvironmentOrDefault(
      NODE_RETRY_MODE_CONFIG_OPTIONS.environmentVariableSelector,
      DEFAULT_RETRY_MODE,
      env,
    ),
    disableClockSkewCorrection: fromEnvironmentOrDefault(disableClockSkewCorrection, false, env),
    // A provider: a value of undefined would send the client back to loadConfig, and to the files.
    userAgentAppId: () => Promise.resolve(appId),
    // A configured endpoint is used exactly as one passed to the client (getEndpointFromInstructions).
    ignoreConfiguredEndpointUrls: true,
    ...(endpoint === undefined ? {} : { endpoint }),
  };
};
