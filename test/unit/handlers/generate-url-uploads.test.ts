import { beforeEach, describe, expect, it } from 'vitest';
import { makeGenerateUrlHandler } from '../../../lambda/handlers/generate-url.js';
import { makeNonceStatusHandler } from '../../../lambda/handlers/nonce-status.js';
import { buildProxyEvent } from '../../../local/events.js';
import {
  FakeObjectStore,
  InMemoryNonceStore,
  manualClock,
  recordingLog,
  recordingMetrics,
} from '../../support/fakes.js';
import { gatewayRequest, generateRequest } from '../../support/requests.js';

const limits = { maxExpiresInSeconds: 604_800, maxUsesLimit: 100 };
const FIVE_GIB = 5 * 1024 ** 3;
const upload = (fields: Record<string, unknown> = {}) => ({
  key: 'incoming/invoice.pdf',
  operation: 'upload',
  maxBytes: 1024,
  ...fields,
});

describe('POST /generate-url: upload nonces', () => {
  let nonces: InMemoryNonceStore;
  let objects: FakeObjectStore;
  const handlerWith = (options: { uploadKeyPrefix?: string; keyPrefixes?: ReadonlyMap<string, string> } = {}) =>
    makeGenerateUrlHandler({
      nonces,
      objects,
      clock: manualClock(),
      limits,
      log: recordingLog(),
      metrics: recordingMetrics(),
      ...options,
    });
  const mint = async (body: unknown, options?: Parameters<typeof handlerWith>[0]) => {
    const response = await handlerWith(options ?? { uploadKeyPrefix: 'incoming/' })(
      buildProxyEvent(generateRequest(body)),
    );
    return { status: response.statusCode, body: JSON.parse(response.body) as Record<string, unknown> };
  };

  beforeEach(() => {
    nonces = new InMemoryNonceStore();
    objects = new FakeObjectStore(['hello.txt', 'incoming/taken.pdf']);
  });

  it('mints for a free key under the prefix: 201 with the operation and its limits, stored with the item', async () => {
    const { status, body } = await mint(upload({ contentType: 'application/pdf' }));

    expect(status).toBe(201);
    expect(body).toMatchObject({ operation: 'upload', maxBytes: 1024, contentType: 'application/pdf', maxUses: 1 });
    const [item] = nonces.items.values();
    expect(item).toMatchObject({
      key: 'incoming/invoice.pdf',
      upload: { maxBytes: 1024, contentType: 'application/pdf' },
    });
    expect(objects.checked).toEqual(['incoming/invoice.pdf']);
  });

  it('refuses a key that holds an object (409 object_exists) unless overwrite, writing nothing', async () => {
    expect(await mint(upload({ key: 'incoming/taken.pdf' }))).toMatchObject({
      status: 409,
      body: { error: 'object_exists' },
    });
    expect(nonces.items.size).toBe(0);
    expect((await mint(upload({ key: 'incoming/taken.pdf', overwrite: true }))).status).toBe(201);
  });

  it('answers 400 uploads_disabled without an upload prefix, before any other check', async () => {
    const { status, body } = await mint(upload(), {});

    expect(status).toBe(400);
    expect(body.error).toBe('uploads_disabled');
    expect(objects.checked).toEqual([]);
    expect(nonces.calls.create).toBe(0);
  });

  it.each([
    ['outside the prefix', 'other/invoice.pdf'],
    ['the prefix itself', 'incoming/'],
    ['a prefix look-alike', 'incoming-old/x'],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: S3's own variable, as a form would send it.
    ['S3 variable that lets the consumer name the key', 'incoming/${filename}'],
  ])('refuses a key %s: 400 naming key, nothing checked or written', async (_case, key) => {
    const { status, body } = await mint(upload({ key }));

    expect(status).toBe(400);
    expect(body).toMatchObject({ error: 'invalid_request' });
    expect(body.message).toContain('"key"');
    expect(objects.checked).toEqual([]);
    expect(nonces.calls.create).toBe(0);
  });

  it('keeps the producer scope for uploads: 403 key_not_allowed before the prefix or the object is looked at', async () => {
    const { status, body } = await mint(upload(), {
      uploadKeyPrefix: 'incoming/',
      keyPrefixes: new Map([['local', 'reports/']]),
    });

    expect(status).toBe(403);
    expect(body.error).toBe('key_not_allowed');
    expect(objects.checked).toEqual([]);
  });

  it.each([
    [{ maxBytes: undefined }, 'maxBytes', /required for an upload/],
    [{ maxBytes: 0 }, 'maxBytes', /from 1 to 5368709120/],
    [{ maxBytes: FIVE_GIB + 1 }, 'maxBytes', /5 GiB/],
    [{ maxBytes: 1.5 }, 'maxBytes', /whole number/],
    [{ maxUses: 2 }, 'maxUses', /must be 1 for an upload/],
    [{ confirm: true }, 'confirm', /for downloads only/],
    [{ confirm: false }, 'confirm', /for downloads only/],
    [{ responseContentDisposition: 'attachment' }, 'responseContentDisposition', /for downloads only/],
    [{ contentType: 'pdf' }, 'contentType', /media type/],
    [{ contentType: 'text/plain\r\nX: y' }, 'contentType', /media type/],
    [{ contentType: `a/${'b'.repeat(260)}` }, 'contentType', /at most 255/],
    [{ overwrite: 'yes' }, 'overwrite', /true or false/],
    [{ operation: 'delete' }, 'operation', /"download" or "upload"/],
  ])('refuses %j with 400 naming %s', async (fields, field, message) => {
    const { status, body } = await mint(upload(fields));

    expect(status).toBe(400);
    expect(body.message).toContain(`"${field}"`);
    expect(body.message).toMatch(message);
    expect(nonces.calls.create).toBe(0);
  });

  it('takes the largest maxBytes S3 allows, and a content type with parameters', async () => {
    const { status, body } = await mint(upload({ maxBytes: FIVE_GIB, contentType: 'text/csv; charset="utf-8"' }));

    expect(status).toBe(201);
    expect(body).toMatchObject({ maxBytes: FIVE_GIB, contentType: 'text/csv; charset="utf-8"' });
  });

  it.each([
    ['maxBytes', { maxBytes: 10 }],
    ['contentType', { contentType: 'text/plain' }],
    ['overwrite', { overwrite: false }],
  ])('refuses the upload field %s on a download: 400 naming it', async (field, fields) => {
    const { status, body } = await mint({ key: 'hello.txt', ...fields });

    expect(status).toBe(400);
    expect(body.message).toContain(`"${field}"`);
    expect(body.message).toContain('for uploads only');
  });

  it('says download in the 201 and the status of a download nonce, upload and its limits for an upload', async () => {
    const download = await mint({ key: 'hello.txt' });
    const uploaded = await mint(upload());
    const status = makeNonceStatusHandler({ nonces, clock: manualClock(), log: recordingLog() });
    const read = async (nonceId: unknown) =>
      JSON.parse(
        (
          await status(
            buildProxyEvent(
              gatewayRequest({
                method: 'GET',
                path: `/nonces/${String(nonceId)}`,
                resource: '/nonces/{nonceId}',
                pathParameters: { nonceId: String(nonceId) },
                userArn: 'local',
              }),
            ),
          )
        ).body,
      ) as Record<string, unknown>;

    expect(download.body.operation).toBe('download');
    expect(await read(download.body.nonceId)).toMatchObject({ operation: 'download' });
    expect(await read(uploaded.body.nonceId)).toMatchObject({ operation: 'upload', maxBytes: 1024 });
    expect(await read(uploaded.body.nonceId)).not.toHaveProperty('contentType');
  });
});
