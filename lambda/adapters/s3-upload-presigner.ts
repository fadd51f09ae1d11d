/**
 * Presigned POSTs (browser-based uploads) with AWS's own @aws-sdk/s3-presigned-post. createPresignedPost
 * needs an S3 client, the largest part of the SDK: AccessObject imports this module only when it first
 * redeems an upload nonce (a dynamic import()), so a download's cold start neither loads nor builds it.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { DependencyUnavailableError } from '../core/errors.js';
import type { ObjectUploadPresigner, PresignedPost, PresignPostRequest } from '../core/ports.js';
import type { AwsConfig } from '../shared/config.js';
import { ConfigError } from '../shared/env.js';
import { environmentCredentials } from './credentials.js';
import { s3ClientConfig } from './s3-client.js';

/** The policy's `expiration` (ISO 8601), which createPresignedPost computes from its own clock. */
const expirationOf = (policy: string | undefined): number => {
  const document = JSON.parse(Buffer.from(policy ?? '', 'base64').toString('utf8')) as { expiration?: unknown };
  const at = typeof document.expiration === 'string' ? Date.parse(document.expiration) : Number.NaN;
  if (Number.isNaN(at)) throw new Error('the POST policy has no expiration');
  return at;
};

export class S3UploadPresigner implements ObjectUploadPresigner {
  constructor(
    private readonly client: S3Client,
    private readonly bucketName: string,
  ) {}

  /**
   * The policy holds exactly: the key (createPresignedPost adds `{"key": KEY}`, an exact match), the
   * bucket, the signing fields, `content-length-range` 1 … maxBytes, and `{"Content-Type": TYPE}` when a
   * type is pinned. S3 refuses a form with any other field, so the consumer chooses nothing else.
   */
  async presignPost(request: PresignPostRequest): Promise<PresignedPost> {
    try {
      const { url, fields } = await createPresignedPost(this.client, {
        Bucket: this.bucketName,
        Key: request.key,
        Conditions: [['content-length-range', 1, request.maxBytes]],
        Fields: request.contentType === undefined ? {} : { 'Content-Type': request.contentType },
        Expires: request.expiresInSeconds,
      });
      return { url, fields, expiresAtMs: expirationOf(fields.Policy) };
    } catch (error: unknown) {
      throw new DependencyUnavailableError('object-store', { cause: error });
    }
  }
}

/**
 * The presigner AccessObject builds on its first upload redemption: an S3 client as GenerateURL's is
 * configured (path style against the emulator), with the environment's credentials, as the GET
 * presigner reads them.
 */
export const uploadPresignerFor = (config: {
  readonly aws: AwsConfig;
  readonly bucketName: string;
}): S3UploadPresigner => {
  const { region } = config.aws;
  if (region === undefined) throw new ConfigError('AWS_REGION', 'is required but not set.');
  return new S3UploadPresigner(
    new S3Client({
      ...s3ClientConfig({ region, endpoint: config.aws.s3Endpoint }),
      credentials: environmentCredentials(),
    }),
    config.bucketName,
  );
};
