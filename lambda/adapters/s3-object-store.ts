import { HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { DependencyUnavailableError } from '../core/errors.js';
import type { ObjectChecker } from '../core/ports.js';
import type { AwsConfig } from '../shared/config.js';
import { errorName, httpStatusOf } from './aws-errors.js';
import { createS3Client } from './s3-client.js';

/**
 * HeadObject on a missing key answers 404 to a caller with s3:ListBucket, and 403 to one without it.
 * GenerateURL holds only s3:GetObject (least privilege), so both mean "no such object" here.
 */
const isMissing = (error: unknown): boolean => {
  const name = errorName(error);
  const status = httpStatusOf(error);
  return name === 'NotFound' || name === 'NoSuchKey' || status === 404 || status === 403;
};

/** Whether an object exists, for GenerateURL. Presigning is s3-presigner.ts, which needs no S3 client. */
export class S3ObjectChecker implements ObjectChecker {
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
}

/** The checker a handler module builds once at load, from its parsed configuration. */
export const objectCheckerFor = (config: { readonly aws: AwsConfig; readonly bucketName: string }): S3ObjectChecker =>
  new S3ObjectChecker(
    createS3Client({ region: config.aws.region, endpoint: config.aws.s3Endpoint }),
    config.bucketName,
  );
