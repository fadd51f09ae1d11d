import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { nonceStoreFor } from '../adapters/dynamodb-nonce-store.js';
import { presignerFor } from '../adapters/s3-presigner.js';
import {
  DependencyUnavailableError,
  MethodNotAllowedError,
  NonceInvalidError,
  PayloadTooLargeError,
  UnsupportedMediaTypeError,
} from '../core/errors.js';
import type { ObjectUploadPresigner } from '../core/ports.js';
import { type Grant, type RedeemNonceDeps, redeemNonce, redeemUpload } from '../core/redeem-nonce.js';
import { takesUse, toIsoSeconds } from '../core/rules.js';
import { loadAccessObjectConfig } from '../shared/config.js';
import { bodyBytes, errorResponse, headerOf, json, mediaTypeOf, NO_STORE } from '../shared/http.js';
import { createLogger, createNonceMetrics, type Log, type NonceMetrics } from '../shared/telemetry.js';
import { accessUrlFor, baseUrlOf } from './access-url.js';
import { grantFromAuthorizerContext } from './authorizer-context.js';

export interface AccessObjectDeps extends RedeemNonceDeps {
  readonly log: Log;
  readonly metrics: NonceMetrics;
  /** A custom domain for the confirmation's redeem URL; otherwise the URL the request came in on. */
  readonly publicBaseUrl?: string;
  /** The upload presigner, built on first use: a download never loads it. Absent: uploads disabled. */
  readonly uploads?: () => Promise<ObjectUploadPresigner>;
  /** Where upload nonces may put objects; undefined: uploads disabled. */
  readonly uploadKeyPrefix?: string;
}

/** The presigned URL must not leak through a Referer header or sit in a cache. */
const REDIRECT_HEADERS = { ...NO_STORE, 'Referrer-Policy': 'no-referrer' };

/** A POST body is ignored, but only an empty one or an HTML form's, and a small one, is accepted. */
export const MAX_REDEEM_BODY_BYTES = 8192;
const FORM_MEDIA_TYPE = 'application/x-www-form-urlencoded';

/**
 * The redirect's own Content-Type and a short note (RFC 9110 15.4.3): without one, API Gateway labels a
 * Lambda proxy answer application/json (docs/aws-behaviour.md), which an empty body is not. The note does
 * not repeat the presigned URL: it is in Location only. 303 after a POST: the browser follows it with a
 * GET, never re-posting to S3.
 */
const redirectTo = (url: string, method: 'GET' | 'POST'): APIGatewayProxyResult => ({
  statusCode: method === 'POST' ? 303 : 302,
  headers: { ...REDIRECT_HEADERS, 'Content-Type': 'text/plain; charset=utf-8', Location: url },
  body: method === 'POST' ? 'See Other: redirecting to the object.\n' : 'Found: redirecting to the object.\n',
});

const wantsJson = (event: APIGatewayProxyEvent): boolean =>
  mediaTypeOf(headerOf(event, 'accept')?.split(',', 1)[0]) === 'application/json';

/**
 * Checked before anything is consumed, so a refusal changes nothing. Only the size and the media type are
 * read: the body itself is neither parsed nor logged.
 */
const checkRedeemBody = (event: APIGatewayProxyEvent): void => {
  const size = bodyBytes(event);
  if (size > MAX_REDEEM_BODY_BYTES) throw new PayloadTooLargeError(MAX_REDEEM_BODY_BYTES);
  if (size > 0 && mediaTypeOf(headerOf(event, 'content-type')) !== FORM_MEDIA_TYPE) {
    throw new UnsupportedMediaTypeError(
      `The request body must be empty or an HTML form (Content-Type: ${FORM_MEDIA_TYPE}); it is ignored.`,
    );
  }
};

/** GET of a `confirm` nonce: what is offered and how to take it, and no use taken. */
const offer = async (deps: AccessObjectDeps, event: APIGatewayProxyEvent, grant: Grant) => {
  deps.log.info('nonce offered for confirmation', {
    nonceId: grant.nonceId,
    requestId: event.requestContext.requestId,
  });
  if (wantsJson(event)) {
    // The authorizer let this request through, so the query string holds exactly one well-formed nonce.
    const nonce = event.queryStringParameters?.nonce ?? '';
    return json(
      200,
      {
        confirm: true,
        redeem: { method: 'POST', url: accessUrlFor(baseUrlOf(event, deps.publicBaseUrl), nonce) },
        expiresAt: toIsoSeconds(grant.expiresAt),
        ...(grant.usesLeft === undefined ? {} : { usesLeft: grant.usesLeft }),
      },
      REDIRECT_HEADERS,
    );
  }
  // Only a confirm nonce's GET needs the page and the content-disposition parser: loaded on the first one,
  // so a redemption's cold start does not evaluate them (in the bundle, esbuild inlines the modules and
  // runs their top level on this first import).
  const [{ confirmPageResponse }, { displayNameOf }] = await Promise.all([
    import('./confirm-page.js'),
    import('./display-name.js'),
  ]);
  return confirmPageResponse(
    {
      fileName: displayNameOf(grant.key, grant.responseContentDisposition),
      expiresAt: grant.expiresAt,
      ...(grant.usesLeft === undefined ? {} : { usesLeft: grant.usesLeft }),
      nowMs: deps.clock(),
    },
    deps.objects.presignedOrigin(),
  );
};

/**
 * An upload nonce, by GET or POST alike (it has no confirmation): one use for a presigned POST, always
 * JSON, since there is nothing to redirect a client to — it must send a form.
 */
const redeemUploadNonce = async (deps: AccessObjectDeps, event: APIGatewayProxyEvent, grant: Grant) => {
  const redemption = await redeemUpload(deps, grant);
  deps.metrics.redeemed();
  deps.log.info('nonce redeemed', {
    nonceId: grant.nonceId,
    operation: 'upload',
    usesLeft: redemption.usesLeft,
    requestId: event.requestContext.requestId,
  });
  return json(
    200,
    {
      upload: { method: 'POST', url: redemption.post.url, fields: redemption.post.fields },
      expiresAt: new Date(redemption.post.expiresAtMs).toISOString(),
      maxBytes: redemption.maxBytes,
    },
    REDIRECT_HEADERS,
  );
};

export const makeAccessObjectHandler =
  (deps: AccessObjectDeps) =>
  async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
    try {
      const method = event.httpMethod;
      // GET and POST only: a HEAD, a prefetch or anything else must never burn a use.
      if (method !== 'GET' && method !== 'POST') throw new MethodNotAllowedError('GET, POST');
      const grant = grantFromAuthorizerContext(event.requestContext.authorizer);
      if (grant === undefined) throw new NonceInvalidError('unknown');
      if (method === 'POST') checkRedeemBody(event);
      if (grant.upload === undefined && !takesUse(method, grant.confirm === true)) {
        return await offer(deps, event, grant);
      }
      try {
        if (grant.upload !== undefined) return await redeemUploadNonce(deps, event, grant);
        const redemption = await redeemNonce(deps, grant);
        deps.metrics.redeemed();
        deps.log.info('nonce redeemed', {
          nonceId: grant.nonceId,
          usesLeft: redemption.usesLeft,
          requestId: event.requestContext.requestId,
        });
        if (wantsJson(event)) {
          return json(
            200,
            { url: redemption.url, expiresAt: new Date(redemption.urlExpiresAtMs).toISOString() },
            REDIRECT_HEADERS,
          );
        }
        return redirectTo(redemption.url, method);
      } catch (error: unknown) {
        if (error instanceof NonceInvalidError) {
          deps.metrics.denied(error.reason);
          deps.log.info('nonce denied', { reason: error.reason, nonceId: grant.nonceId });
        }
        throw error;
      }
    } catch (error: unknown) {
      return errorResponse(error, deps.log);
    }
  };

// Built once per module (per Lambda execution environment): configuration, clients, the bucket's
// address, the credential provider and the signer; a redemption only signs and writes.
const config = loadAccessObjectConfig(process.env);

/**
 * The upload presigner's module. Deployed, it is a file of its own beside the bundle (lib/functions.ts
 * builds `s3-upload-presigner.mjs` into AccessObject's asset): in the bundle itself, even behind a dynamic
 * import(), its S3 client would be read and parsed on every cold start, downloads' too. Run from source
 * (local mode, the tests), it is the source module. A computed specifier, so esbuild leaves it alone.
 */
export const UPLOAD_PRESIGNER_MODULE = import.meta.url.endsWith('.mjs')
  ? './s3-upload-presigner.mjs'
  : '../adapters/s3-upload-presigner.js';

type UploadPresignerModule = typeof import('../adapters/s3-upload-presigner.js');

/**
 * The upload presigner and its S3 client, imported and built on the first upload redemption only: a
 * download's cold start loads neither (npm run bench measures it). A failed import is not kept, so the
 * next upload tries again; it answers 503, and nothing was consumed.
 */
let uploadPresigner: Promise<ObjectUploadPresigner> | undefined;
const uploads = (): Promise<ObjectUploadPresigner> => {
  uploadPresigner ??= (import(UPLOAD_PRESIGNER_MODULE) as Promise<UploadPresignerModule>)
    .then(({ uploadPresignerFor }) => uploadPresignerFor(config))
    .catch((error: unknown) => {
      uploadPresigner = undefined;
      throw new DependencyUnavailableError('object-store', { cause: error });
    });
  return uploadPresigner;
};

export const handler = makeAccessObjectHandler({
  // One attempt: a consuming write is not idempotent. Had DynamoDB applied a write whose answer was lost,
  // an SDK retry would take a second use of a multi-use nonce (or find a single-use one gone). Without
  // retries every fault is one 503 with Retry-After, and the caller's retry is a fresh redemption.
  nonces: nonceStoreFor(config, { maxAttempts: 1 }),
  objects: presignerFor(config),
  clock: Date.now,
  presignTtlSeconds: config.presignTtlSeconds,
  ...(config.publicBaseUrl === undefined ? {} : { publicBaseUrl: config.publicBaseUrl }),
  uploads,
  ...(config.uploadKeyPrefix === undefined ? {} : { uploadKeyPrefix: config.uploadKeyPrefix }),
  log: createLogger(),
  metrics: createNonceMetrics(),
});
