import { createHash, createHmac } from 'node:crypto';

/**
 * An independent Signature Version 4, written from AWS's specification ("Create a signed AWS API
 * request") with node:crypto only, to check the client's signatures against. It shares no code with
 * @smithy/signature-v4. Its own correctness is pinned by AWS's published example (sigv4.test.ts).
 */

export interface ReferenceRequest {
  readonly method: string;
  readonly url: URL;
  /** Every header to sign, host included. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface ReferenceScope {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly region: string;
  readonly service: string;
  /** yyyyMMddTHHmmssZ */
  readonly amzDate: string;
}

const sha256Hex = (data: string): string => createHash('sha256').update(data, 'utf8').digest('hex');
const hmac = (key: string | Buffer, data: string): Buffer => createHmac('sha256', key).update(data, 'utf8').digest();

/** RFC 3986 encoding: everything but the unreserved characters, upper-case hex. */
export const uriEncode = (value: string): string =>
  Array.from(Buffer.from(value, 'utf8'))
    .map((byte) => {
      const char = String.fromCharCode(byte);
      return /[A-Za-z0-9\-._~]/.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    })
    .join('');

/** Every service but S3: each segment of the (already once-encoded) path is encoded once more. */
const canonicalUri = (url: URL): string => url.pathname.split('/').map(uriEncode).join('/') || '/';

const canonicalQuery = (url: URL): string =>
  [...url.searchParams]
    .map(([name, value]) => [uriEncode(name), uriEncode(value)] as const)
    .sort(([a, x], [b, y]) => (a === b ? (x < y ? -1 : x > y ? 1 : 0) : a < b ? -1 : 1))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');

export const referenceCanonicalRequest = (request: ReferenceRequest): { text: string; signedHeaders: string } => {
  const headers = Object.entries(request.headers)
    .map(([name, value]) => [name.toLowerCase(), value.trim().replace(/\s+/g, ' ')] as const)
    .sort(([a], [b]) => (a < b ? -1 : 1));
  const signedHeaders = headers.map(([name]) => name).join(';');
  const text = [
    request.method,
    canonicalUri(request.url),
    canonicalQuery(request.url),
    ...headers.map(([name, value]) => `${name}:${value}`),
    '',
    signedHeaders,
    sha256Hex(request.body),
  ].join('\n');
  return { text, signedHeaders };
};

/** The Authorization header value AWS expects for this request. */
export const referenceAuthorization = (request: ReferenceRequest, scope: ReferenceScope): string => {
  const { text, signedHeaders } = referenceCanonicalRequest(request);
  const date = scope.amzDate.slice(0, 8);
  const credentialScope = `${date}/${scope.region}/${scope.service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', scope.amzDate, credentialScope, sha256Hex(text)].join('\n');
  const signingKey = hmac(
    hmac(hmac(hmac(`AWS4${scope.secretAccessKey}`, date), scope.region), scope.service),
    'aws4_request',
  );
  const signature = createHmac('sha256', signingKey).update(stringToSign, 'utf8').digest('hex');
  return `AWS4-HMAC-SHA256 Credential=${scope.accessKeyId}/${credentialScope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
};
