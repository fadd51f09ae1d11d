import { GetObjectCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { DependencyUnavailableError } from '../core/errors.js';
import type { ObjectStore, PresignRequest } from '../core/ports.js';
import type { AwsConfig } from '../shared/config.js';
import { errorName, httpStatusOf } from './aws-errors.js';
import { createS3Client } from './clients.js';

/**
 * HeadObject on a missing key answers 404 to a caller with s3:ListBucket, and 403 to one without it.
 * GenerateURL holds only s3:GetObject (least privilege), so both mean "no such object" here.
 */
const isMissing = (error: unknown): boolean => {
  const name = errorName(error);
  const status = httpStatusOf(error);
  return name === 'NotFound' || name === 'NoSuchKey' || status === 404 || status === 403;
};

/** Any key: the origin of a presigned URL depends on the client and the bucket, never on the key. */
const ORIGIN_PROBE_KEY = 'origin-probe';

export class S3ObjectStore implements ObjectStore {
  private origin: Promise<string> | undefined;

  constructor(
    private readonly client: S3Client,
    private readonly bucketName: string,
  ) {}

  async exists(key: string): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.bucketName, Key: key }));
      return true;
    } catch (error: unknown) {
      if (isMissing(error)) return false;
      throw new DependencyUnavailableError('object-store', { cause: error });
    }
  }

  async presignGet(request: PresignRequest): Promise<string> {
    try {
      return await getSignedUrl(
        this.client,
        new GetObjectCommand({
          Bucket: this.bucketName,
          Key: request.key,
          ...(request.responseContentDisposition === undefined
            ? {}
            : { ResponseContentDisposition: request.responseContentDisposition }),
        }),
        { expiresIn: request.expiresInSeconds, signingDate: request.signingDate },
      );
    } catch (error: unknown) {
      throw new DependencyUnavailableError('object-store', { cause: error });
    }
  }

  /**
   * Read off a URL the SDK presigns itself, so that its own endpoint rules decide (virtual-hosted or
   * path style, region, a custom endpoint): no second model of S3's host names. The probe is signed at
   * the epoch for one second, so it expired in 1970 and grants nothing; only its origin is kept.
   */
  presignedOrigin(): Promise<string> {
    if (this.origin === undefined) {
      const origin = this.presignGet({ key: ORIGIN_PROBE_KEY, expiresInSeconds: 1, signingDate: new Date(0) }).then(
        (url) => new URL(url).origin,
      );
      // A failure is not remembered: the next request tries again.
      origin.catch(() => {
        if (this.origin === origin) this.origin = undefined;
      });
      this.origin = origin;
    }
    return this.origin;
  }
}

/** The store a handler module builds once at load, from its parsed configuration. */
export const objectStoreFor = (config: { readonly aws: AwsConfig; readonly bucketName: string }): S3ObjectStore =>
  new S3ObjectStore(createS3Client({ region: config.aws.region, endpoint: config.aws.s3Endpoint }), config.bucketName);
