/**
 * presigned-url-nonce/client: a typed client for producers (SigV4-signed generate, status, revoke) and
 * the consumer's `redeem`. See README.md, "Producers and consumers", and docs/openapi.yaml.
 */
export { type ContentDispositionOptions, contentDispositionFor } from './content-disposition.js';
export {
  ApiError,
  ConfirmationRequiredError,
  isApiErrorCode,
  NetworkError,
  ObjectDownloadError,
  ObjectUploadError,
  PresignedUrlNonceError,
  SigningError,
  UnexpectedResponseError,
} from './errors.js';
export { parseRetryAfter, type RetryOptions } from './http.js';
export { LOCAL_PRINCIPAL_HEADER, ProducerClient, type ProducerClientOptions } from './producer-client.js';
export { type ObjectInfo, type RedeemedBytes, type RedeemedStream, type RedeemOptions, redeem } from './redeem.js';
export { EXECUTE_API_SERVICE, isLoopbackEndpoint, regionFromEndpoint } from './sigv4.js';
export {
  API_ERROR_CODES,
  type ApiErrorCode,
  type ConfirmationOffer,
  type Credentials,
  type CredentialsProvider,
  type FetchLike,
  type GeneratedNonce,
  type GenerateInput,
  type NonceStatus,
  type Operation,
  type RedeemedUrl,
  type UploadGrant,
} from './types.js';
export {
  type RedeemUploadOptions,
  redeemUpload,
  type UploadBody,
  type UploadOptions,
  type UploadResult,
  uploadWithGrant,
} from './upload.js';
