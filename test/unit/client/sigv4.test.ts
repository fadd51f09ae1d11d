import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ProducerClient, regionFromEndpoint } from '../../../client/index.js';
import { createRequestSigner, isLoopbackEndpoint } from '../../../client/sigv4.js';
import { fakeFetch, generatedBody, jsonResponse, NONCE_ID, type RecordedRequest, statusBody } from './fake-fetch.js';
import { referenceAuthorization } from './sigv4-reference.js';

// AWS's documented example credentials (not real ones).
const CREDENTIALS = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
  sessionToken: 'FwoGZXIvYXdzEXAMPLETOKEN',
};
const SIGNING_TIME = new Date('2024-05-01T12:34:56Z');
const AMZ_DATE = '20240501T123456Z';
const ENDPOINT = 'https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com/prod';

const sha256Hex = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** What the reference signs: every header the client sent except the signature itself, plus host. */
const expectedAuthorization = (request: RecordedRequest, region = 'eu-west-1') => {
  const { authorization: _signature, ...headers } = request.headers;
  return referenceAuthorization(
    {
      method: request.method,
      url: new URL(request.url),
      headers: { ...headers, host: new URL(request.url).host },
      body: request.body ?? '',
    },
    { ...CREDENTIALS, region, service: 'execute-api', amzDate: AMZ_DATE },
  );
};

const signedClient = (responder: () => Response) => {
  const recorder = fakeFetch(responder);
  const client = new ProducerClient({
    endpoint: ENDPOINT,
    credentials: CREDENTIALS,
    clock: () => SIGNING_TIME,
    fetch: recorder.fetch,
  });
  return { client, calls: recorder.calls };
};

describe('the reference SigV4 implementation', () => {
  // AWS's published vectors (sigv4 test suite "get-vanilla-query-order-key-case" and the IAM ListUsers
  // example of "Create a signed AWS API request"): if these fail, the reference is wrong, not the client.
  it('reproduces AWS published signatures', () => {
    const scope = { ...CREDENTIALS, region: 'us-east-1', amzDate: '20150830T123600Z' };
    expect(
      referenceAuthorization(
        {
          method: 'GET',
          url: new URL('https://example.amazonaws.com/?Param2=value2&Param1=value1'),
          headers: { host: 'example.amazonaws.com', 'x-amz-date': '20150830T123600Z' },
          body: '',
        },
        { ...scope, service: 'service' },
      ),
    ).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500',
    );
    expect(
      referenceAuthorization(
        {
          method: 'GET',
          url: new URL('https://iam.amazonaws.com/?Action=ListUsers&Version=2010-05-08'),
          headers: {
            host: 'iam.amazonaws.com',
            'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
            'x-amz-date': '20150830T123600Z',
          },
          body: '',
        },
        { ...scope, service: 'iam' },
      ),
    ).toMatch(/Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7$/);
  });
});

describe('ProducerClient SigV4 signing', () => {
  it('signs POST /generate-url for execute-api exactly as the specification computes it', async () => {
    const { client, calls } = signedClient(() => jsonResponse(201, generatedBody(ENDPOINT)));

    await client.generate({ key: 'reports/q1.pdf', maxUses: 2 });

    const [request] = calls;
    if (request === undefined) throw new Error('no request sent');
    expect(request.headers['x-amz-date']).toBe(AMZ_DATE);
    expect(request.headers['x-amz-security-token']).toBe(CREDENTIALS.sessionToken);
    expect(request.headers.authorization).toBe(expectedAuthorization(request));
    // The vector itself, as the reference computed it: a change in what is signed shows up in review.
    expect(request.body).toBe('{"key":"reports/q1.pdf","maxUses":2}');
    expect(request.headers.authorization).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240501/eu-west-1/execute-api/aws4_request, SignedHeaders=accept;content-type;host;x-amz-content-sha256;x-amz-date;x-amz-security-token, Signature=72446f04a52a75a345007fbe99f1b42adc1bb753a44ecb3dd3e52a7da91d39a0',
    );
  });

  it('covers the body: the payload hash is the body’s SHA-256, and another body gives another signature', async () => {
    const { client, calls } = signedClient(() => jsonResponse(201, generatedBody(ENDPOINT)));

    await client.generate({ key: 'a.txt' });
    await client.generate({ key: 'b.txt' });

    const [first, second] = calls;
    if (first === undefined || second === undefined) throw new Error('requests missing');
    expect(first.body).toBe('{"key":"a.txt"}');
    expect(first.headers['x-amz-content-sha256']).toBe(sha256Hex('{"key":"a.txt"}'));
    expect(second.headers['x-amz-content-sha256']).toBe(sha256Hex('{"key":"b.txt"}'));
    expect(first.headers.authorization).not.toBe(second.headers.authorization);
    expect(second.headers.authorization).toBe(expectedAuthorization(second));
  });

  it('signs GET and DELETE /nonces/{nonceId} under the stage path, with the empty-body hash', async () => {
    const { client, calls } = signedClient(() => jsonResponse(200, statusBody()));

    await client.status(NONCE_ID);

    const [request] = calls;
    if (request === undefined) throw new Error('no request sent');
    expect(request.url).toBe(`${ENDPOINT}/nonces/${NONCE_ID}`);
    expect(request.headers['x-amz-content-sha256']).toBe(sha256Hex(''));
    expect(request.headers.authorization).toBe(expectedAuthorization(request));
  });

  it('signs the query string: its parameters are in the canonical request', async () => {
    const sign = createRequestSigner({ region: 'eu-west-1', credentials: CREDENTIALS, clock: () => SIGNING_TIME });
    const at = (query: string) => new URL(`${ENDPOINT}/access-object${query}`);

    const withQuery = await sign({ method: 'GET', url: at('?b=2&a=1%2F1&a=0'), headers: {} });
    const otherQuery = await sign({ method: 'GET', url: at('?b=2&a=1%2F1&a=9'), headers: {} });

    const request = { method: 'GET', url: at('?b=2&a=1%2F1&a=0').href, headers: withQuery };
    expect(withQuery.authorization).toBe(expectedAuthorization(request));
    expect(withQuery.authorization).not.toBe(otherQuery.authorization);
  });

  it('signs query parameters named after Object.prototype members as any others', async () => {
    const sign = createRequestSigner({ region: 'eu-west-1', credentials: CREDENTIALS, clock: () => SIGNING_TIME });
    // Not __proto__: @smithy/signature-v4's own canonical query builds a plain object and loses that name.
    // No producer route takes a query string, so the client never signs one.
    const url = new URL(`${ENDPOINT}/access-object?constructor=2&toString=3&toString=4&valueOf=5&hasOwnProperty=6`);

    const headers = await sign({ method: 'GET', url, headers: {} });

    expect(headers.authorization).toBe(expectedAuthorization({ method: 'GET', url: url.href, headers }));
  });

  it('asks the credentials provider when given one, and takes the region from the execute-api host', async () => {
    let asked = 0;
    const recorder = fakeFetch(() => jsonResponse(200, statusBody()));
    const client = new ProducerClient({
      endpoint: 'https://a1b2c3d4e5.execute-api.ap-southeast-2.amazonaws.com/v1',
      credentials: async () => {
        asked += 1;
        return CREDENTIALS;
      },
      clock: () => SIGNING_TIME,
      fetch: recorder.fetch,
    });

    await client.status(NONCE_ID);

    expect(asked).toBe(1);
    const [request] = recorder.calls;
    if (request === undefined) throw new Error('no request sent');
    expect(request.headers.authorization).toContain('/20240501/ap-southeast-2/execute-api/aws4_request');
    expect(request.headers.authorization).toBe(expectedAuthorization(request, 'ap-southeast-2'));
  });
});

describe('unsigned for local mode', () => {
  it('does not sign a loopback endpoint, and sends the local principal header', async () => {
    const recorder = fakeFetch(() => jsonResponse(201, generatedBody('http://127.0.0.1:3000')));
    const client = new ProducerClient({
      endpoint: 'http://127.0.0.1:3000',
      localPrincipal: 'alice',
      fetch: recorder.fetch,
    });

    await client.generate({ key: 'hello.txt' });

    const [request] = recorder.calls;
    expect(client.signing).toBe(false);
    expect(request?.headers).toEqual({
      accept: 'application/json',
      'content-type': 'application/json',
      'x-local-principal': 'alice',
    });
  });

  it('signs a loopback endpoint when told to, and refuses a local principal then', async () => {
    const recorder = fakeFetch(() => jsonResponse(200, statusBody()));
    const client = new ProducerClient({
      endpoint: 'http://localhost:3000',
      signing: true,
      region: 'us-east-1',
      credentials: CREDENTIALS,
      fetch: recorder.fetch,
    });

    await client.status(NONCE_ID);

    expect(recorder.calls[0]?.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 /);
    expect(() => new ProducerClient({ endpoint: ENDPOINT, localPrincipal: 'alice' })).toThrow(/local mode only/);
  });

  it('tells loopback from everything else', () => {
    for (const host of ['http://127.0.0.1:3000', 'http://127.9.0.1', 'http://localhost:1', 'http://[::1]:3000']) {
      expect(isLoopbackEndpoint(new URL(host))).toBe(true);
    }
    for (const host of [
      'https://127.0.0.1.example.com',
      'http://10.0.0.1',
      'https://localhost.example.com',
      ENDPOINT,
    ]) {
      expect(isLoopbackEndpoint(new URL(host))).toBe(false);
    }
  });

  it('needs a region for a custom domain', () => {
    expect(regionFromEndpoint(new URL('https://files.example.com'))).toBeUndefined();
    const previous = { region: process.env.AWS_REGION, fallback: process.env.AWS_DEFAULT_REGION };
    delete process.env.AWS_REGION;
    delete process.env.AWS_DEFAULT_REGION;
    try {
      expect(() => new ProducerClient({ endpoint: 'https://files.example.com', credentials: CREDENTIALS })).toThrow(
        /No signing region/,
      );
    } finally {
      if (previous.region !== undefined) process.env.AWS_REGION = previous.region;
      if (previous.fallback !== undefined) process.env.AWS_DEFAULT_REGION = previous.fallback;
    }
  });
});
