import { fromEnv } from '@aws-sdk/credential-provider-env';
import { doesIdentityRequireRefresh, isIdentityExpired, memoizeIdentityProvider } from '@smithy/core';

/**
 * Credentials from the environment, where the Lambda runtime puts the execution role's keys (and local
 * mode the emulators'): read on first use and kept until they expire, as the SDK's clients keep theirs.
 * The SDK's default chain would try the environment first too; on Lambda it never gets further.
 */
export const environmentCredentials = () => {
  const provider = memoizeIdentityProvider(fromEnv(), isIdentityExpired, doesIdentityRequireRefresh);
  // memoizeIdentityProvider answers undefined only when it is given no provider.
  if (provider === undefined) throw new Error('no credential provider');
  return provider;
};
