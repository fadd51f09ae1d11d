/**
 * The package's CDK entry point, `presigned-url-nonce/cdk`: the construct, its props and options. The
 * package build compiles it into dist/cdk.js (aws-cdk-lib and constructs left to the app) with the
 * handlers prebuilt beside it in dist/lambda/.
 */
export { PRODUCER_ROUTES, type ProducerRoute } from './api.js';
export {
  type ApiLogLevel,
  OPTION_DEFAULTS,
  OptionError,
  type OptionKey,
  type PresignedUrlNonceOptions,
  type ResolvedOptions,
} from './options.js';
export { PresignedUrlNonce, type PresignedUrlNonceProps } from './presigned-url-nonce.js';
export { EXISTING_BUCKET_WARNING } from './storage.js';
