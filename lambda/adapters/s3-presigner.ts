/**
 * Presigned GETs of the stack's bucket without an S3 client. The S3 client's getSignedUrl runs the
 * client's whole middleware stack and its endpoint rules for every URL; here the bucket's address is
 * resolved once (s3-addressing.ts), the credential provider and the signer are built once, and each URL
 * is one GetObject request, prepared as the client would serialize it and presigned by the SDK's own
 * S3RequestPresigner. test/unit/adapters/s3-presigner.test.ts checks that the URLs equal getSignedUrl's,
 * signature included, and test/integration that the S3 emulator serves them.
 */

import { formatUrl } from '@aws-sdk/core/util';
import { S3RequestPresigner } from '@aws-sdk/s3-request-presigner';
import { Sha256 } from '@smithy/core/checksum';
import { DependencyUnavailableError } from '../core/errors.js';
import type { ObjectPresigner, PresignRequest } from '../core/ports.js';
import type { AwsConfig } from '../shared/config.js';
import { ConfigError } from '../shared/env.js';
import { environmentCredentials } from './credentials.js';
import { type BucketAddress, bucketAddress, objectPath } from './s3-addressing.js';

type Credentials = NonNullable<ConstructorParameters<typeof S3RequestPresigner>[0]['credentials']>;
type UnsignedRequest = Parameters<S3RequestPresigner['presign']>[0];

export interface S3PresignerOptions {
  readonly address: BucketAddress;
  readonly credentials: Credentials;
}

export class S3GetPresigner implements ObjectPresigner {
  private readonly presigner: S3RequestPresigner;
  private readonly origin: string;

  constructor(private readonly options: S3PresignerOptions) {
    this.presigner = new S3RequestPresigner({
      credentials: options.credentials,
      region: options.address.signingRegion,
      sha256: Sha256,
    });
    const { protocol, hostname, port } = options.address;
    this.origin = new URL(`${protocol}//${hostname}${port === undefined ? '' : `:${port}`}`).origin;
  }

  /** Every URL this presigner makes shares its bucket's address, so its origin is fixed at load. */
  presignedOrigin(): string {
    return this.origin;
  }

  async presignGet(request: PresignRequest): Promise<string> {
    const { address } = this.options;
    // The GetObject request as the S3 client serializes it: `x-id` names the operation, the response
    // header override is a query parameter, and the presigner adds the host and payload headers.
    const query: Record<string, string> = { 'x-id': 'GetObject' };
    if (request.responseContentDisposition !== undefined) {
      query['response-content-disposition'] = request.responseContentDisposition;
    }
    const unsigned: UnsignedRequest = {
      method: 'GET',
      protocol: address.protocol,
      hostname: address.hostname,
      ...(address.port === undefined ? {} : { port: address.port }),
      path: objectPath(address, request.key),
      query,
      headers: {},
    };
    try {
      const signed = await this.presigner.presign(unsigned, {
        expiresIn: request.expiresInSeconds,
        signingDate: request.signingDate,
      });
      return formatUrl(signed);
    } catch (error: unknown) {
      throw new DependencyUnavailableError('object-store', { cause: error });
    }
  }
}

/** The presigner a handler module builds once at load, with the environment's credentials. */
export const presignerFor = (config: { readonly aws: AwsConfig; readonly bucketName: string }): S3GetPresigner => {
  const { region } = config.aws;
  if (region === undefined) throw new ConfigError('AWS_REGION', 'is required but not set.');
  return new S3GetPresigner({
    address: bucketAddress({
      bucketName: config.bucketName,
      region,
      ...(config.aws.s3Endpoint === undefined ? {} : { endpoint: config.aws.s3Endpoint }),
      ...(config.aws.useFipsEndpoint === undefined ? {} : { useFipsEndpoint: config.aws.useFipsEndpoint }),
      ...(config.aws.useDualstackEndpoint === undefined
        ? {}
        : { useDualstackEndpoint: config.aws.useDualstackEndpoint }),
    }),
    credentials: environmentCredentials(),
  });
};
