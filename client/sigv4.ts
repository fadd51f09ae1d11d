import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import type { Credentials, CredentialsProvider } from './types.js';

/** API Gateway's signing name: the service in the credential scope of every SigV4 request to it. */
export const EXECUTE_API_SERVICE = 'execute-api';

type SourceData = string | ArrayBuffer | ArrayBufferView;

const toBuffer = (data: SourceData): Buffer => {
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.from(data);
};

/**
 * SHA-256 and HMAC-SHA-256 from node:crypto, in the shape SignatureV4 wants (a Hash constructor whose
 * argument, when given, is the HMAC key). Twenty lines instead of a dependency on @smithy/hash-node or
 * @aws-crypto/sha256-js, neither of which this package otherwise needs.
 */
export class NodeSha256 {
  private hash: Hash | Hmac;

  constructor(private readonly secret?: SourceData) {
    this.hash = this.fresh();
  }

  update(data: SourceData): void {
    this.hash.update(toBuffer(data));
  }

  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.hash.digest()));
  }

  reset(): void {
    this.hash = this.fresh();
  }

  private fresh(): Hash | Hmac {
    return this.secret === undefined ? createHash('sha256') : createHmac('sha256', toBuffer(this.secret));
  }
}

/** What the client sends: a method, a full URL, headers and an optional text body. */
export interface OutgoingRequest {
  readonly method: string;
  readonly url: URL;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
}

export type RequestSigner = (request: OutgoingRequest) => Promise<Record<string, string>>;

export interface SignerOptions {
  readonly region: string;
  readonly credentials: Credentials | CredentialsProvider;
  /** The signing time; tests fix it. */
  readonly clock?: () => Date;
}

/** Repeated query parameters become an array, as SignatureV4 expects them. */
const queryOf = (url: URL): Record<string, string | string[]> => {
  // No prototype: a parameter named __proto__ or toString is a key, not a member of Object.prototype.
  const query = Object.create(null) as Record<string, string | string[]>;
  for (const [name, value] of url.searchParams) {
    const previous = query[name];
    query[name] = previous === undefined ? value : [...(Array.isArray(previous) ? previous : [previous]), value];
  }
  return query;
};

/**
 * Signs for API Gateway (service `execute-api`). The headers it returns are the request's own plus
 * `host`, `x-amz-date`, `x-amz-content-sha256` (the body's SHA-256, so the body is covered by the
 * signature), `x-amz-security-token` for temporary credentials, and `authorization`.
 */
export const createRequestSigner = (options: SignerOptions): RequestSigner => {
  // Loaded on first use: a CLI call to local mode never signs and starts faster without it.
  let signer: Promise<import('@smithy/signature-v4').SignatureV4> | undefined;
  const clock = options.clock ?? (() => new Date());
  return async (request) => {
    signer ??= import('@smithy/signature-v4').then(
      ({ SignatureV4 }) =>
        new SignatureV4({
          service: EXECUTE_API_SERVICE,
          region: options.region,
          credentials: options.credentials,
          sha256: NodeSha256,
        }),
    );
    const { url } = request;
    const signed = await (await signer).sign(
      {
        method: request.method,
        protocol: url.protocol,
        hostname: url.hostname,
        ...(url.port === '' ? {} : { port: Number(url.port) }),
        // Already percent-encoded once, as sent; SignatureV4 encodes it again, as every service but S3 expects.
        path: url.pathname,
        query: queryOf(url),
        // `host` as fetch will send it: with the port only when it is not the scheme's default.
        headers: { ...request.headers, host: url.host },
        ...(request.body === undefined ? {} : { body: request.body }),
      },
      { signingDate: clock() },
    );
    return signed.headers;
  };
};

/** `abc123.execute-api.eu-west-1.amazonaws.com` → `eu-west-1`; undefined for a custom domain. */
export const regionFromEndpoint = (endpoint: URL): string | undefined =>
  /^[a-z0-9]+\.execute-api\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/.exec(endpoint.hostname)?.[1];

/**
 * Local mode listens on loopback and checks no signature, so a client aimed there does not sign (and
 * needs no AWS credentials). Anything else is the deployed API, which refuses unsigned calls.
 */
export const isLoopbackEndpoint = (endpoint: URL): boolean => {
  const host = endpoint.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host.endsWith('.localhost') || host === '::1' || /^127(?:\.\d{1,3}){3}$/.test(host);
};
