/**
 * Where a GetObject of the stack's bucket goes, resolved once when a module loads, so that presigning
 * needs no S3 client and no endpoint rules per request. It reproduces what the S3 client's endpoint
 * rules give for a general purpose bucket (test/unit/adapters/s3-presigner.test.ts compares the two):
 * - AWS: `https://BUCKET.s3[-fips][.dualstack].REGION.DNS_SUFFIX` (virtual-hosted style), the DNS
 *   suffix of the region's partition (amazonaws.com, amazonaws.com.cn, …); path style on the same host
 *   (`/BUCKET/KEY`) for a bucket name that cannot be a single DNS label, such as one with dots, whose
 *   virtual host no TLS certificate covers.
 * - An emulator endpoint (S3_ENDPOINT): path style under that endpoint, as forcePathStyle does.
 * Buckets whose addressing the rules treat specially (directory buckets, access point ARNs and
 * aliases of Outposts) and pseudo-regions such as `aws-global` are refused with a ConfigError.
 */
import { isVirtualHostableS3Bucket, partition } from '@aws-sdk/core/client';
import { extendedEncodeURIComponent } from '@smithy/core/protocols';
import { ConfigError } from '../shared/env.js';

export interface S3AddressingOptions {
  readonly bucketName: string;
  readonly region: string;
  /** An emulator's endpoint; unset on AWS. */
  readonly endpoint?: string;
  readonly useFipsEndpoint?: boolean;
  readonly useDualstackEndpoint?: boolean;
}

/** The parts of an S3 request URL that are the same for every key of one bucket. */
export interface BucketAddress {
  readonly protocol: string;
  readonly hostname: string;
  readonly port?: number;
  /** Prepended to the encoded key: '' (virtual-hosted) or '/BUCKET' (path style), after any base path. */
  readonly pathPrefix: string;
  /** The region SigV4 signs for. */
  readonly signingRegion: string;
}

/** Names the endpoint rules route elsewhere (S3 Express, Outposts access points) or cannot take at all. */
const SPECIAL_BUCKET = /:|--x-s3$|--xa-s3$|--op-s3$/;
/** A region proper (us-east-1, cn-north-1, us-iso-east-1, …); not aws-global and its kin. */
const REGION = /^[a-z]{2,}(-[a-z]+)+-\d+$/;

const emulatorAddress = (options: S3AddressingOptions, endpoint: string): BucketAddress => {
  const url = new URL(endpoint);
  const basePath = url.pathname.replace(/\/+$/, '');
  return {
    protocol: url.protocol,
    hostname: url.hostname,
    ...(url.port === '' ? {} : { port: Number(url.port) }),
    pathPrefix: `${basePath}/${extendedEncodeURIComponent(options.bucketName)}`,
    signingRegion: options.region,
  };
};

export const bucketAddress = (options: S3AddressingOptions): BucketAddress => {
  if (SPECIAL_BUCKET.test(options.bucketName)) {
    throw new ConfigError(
      'BUCKET_NAME',
      `names a bucket S3 addresses specially ("${options.bucketName}": a directory bucket, an ARN or an Outposts alias); only general purpose buckets are supported.`,
    );
  }
  if (options.endpoint !== undefined) {
    // The S3 client refuses these combinations too ("Cannot set dual-stack in combination with a custom endpoint").
    if (options.useFipsEndpoint === true || options.useDualstackEndpoint === true) {
      throw new ConfigError(
        options.useFipsEndpoint === true ? 'AWS_USE_FIPS_ENDPOINT' : 'AWS_USE_DUALSTACK_ENDPOINT',
        'cannot be combined with S3_ENDPOINT.',
      );
    }
    return emulatorAddress(options, options.endpoint);
  }
  if (!REGION.test(options.region)) {
    throw new ConfigError('AWS_REGION', `must name a region such as us-east-1, got "${options.region}".`);
  }
  const { dnsSuffix } = partition(options.region);
  const service = `s3${options.useFipsEndpoint === true ? '-fips' : ''}${options.useDualstackEndpoint === true ? '.dualstack' : ''}`;
  const host = `${service}.${options.region}.${dnsSuffix}`;
  const virtualHosted = isVirtualHostableS3Bucket(options.bucketName, false);
  return {
    protocol: 'https:',
    hostname: virtualHosted ? `${options.bucketName}.${host}` : host,
    pathPrefix: virtualHosted ? '' : `/${extendedEncodeURIComponent(options.bucketName)}`,
    signingRegion: options.region,
  };
};

/** The request path of an object: each segment of the key encoded as the S3 client encodes `{Key+}`. */
export const objectPath = (address: BucketAddress, key: string): string =>
  `${address.pathPrefix}/${key.split('/').map(extendedEncodeURIComponent).join('/')}`;
