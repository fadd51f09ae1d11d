import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { type ClientOptions, MAX_ATTEMPTS, requestHandlerOptions } from './client-options.js';

/** The S3 client's configuration; AccessObject's presigner is tested against getSignedUrl on it. */
export const s3ClientConfig = (options: ClientOptions = {}): S3ClientConfig => ({
  ...(options.region === undefined ? {} : { region: options.region }),
  ...(options.endpoint === undefined
    ? {}
    : {
        endpoint: options.endpoint,
        // S3 emulators serve buckets by path, not by virtual host.
        forcePathStyle: true,
      }),
  // Only what S3 requires: the emulators reject the newer default checksums.
  requestChecksumCalculation: 'WHEN_REQUIRED',
  responseChecksumValidation: 'WHEN_REQUIRED',
  maxAttempts: MAX_ATTEMPTS,
  requestHandler: requestHandlerOptions(),
});

/** GenerateURL's client (HeadObject). AccessObject has none: it presigns without one. */
export const createS3Client = (options: ClientOptions = {}): S3Client => new S3Client(s3ClientConfig(options));
