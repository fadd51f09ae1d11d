import { S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { s3ClientConfig } from '../../../lambda/adapters/s3-client.js';
import { S3UploadPresigner } from '../../../lambda/adapters/s3-upload-presigner.js';
import { judgePostForm } from '../../../local/s3-post-policy.js';

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const presignerFor = (endpoint?: string) =>
  new S3UploadPresigner(
    new S3Client({
      ...s3ClientConfig({ region: 'eu-west-1', ...(endpoint === undefined ? {} : { endpoint }) }),
      credentials,
    }),
    'the-bucket',
  );

const decode = (policy: string | undefined) =>
  JSON.parse(Buffer.from(policy ?? '', 'base64').toString('utf8')) as { expiration: string; conditions: unknown[] };

describe("AccessObject's presigned POST (AWS's createPresignedPost), its policy decoded", () => {
  it('pins the exact key, 1 … maxBytes, the content type, the bucket and the signing fields, and expires with the TTL', async () => {
    const before = Date.now();
    const post = await presignerFor().presignPost({
      key: 'incoming/a b.pdf',
      maxBytes: 1024,
      contentType: 'application/pdf',
      expiresInSeconds: 60,
    });
    const policy = decode(post.fields.Policy);

    expect(post.url).toBe('https://the-bucket.s3.eu-west-1.amazonaws.com/');
    expect(policy.conditions).toEqual(
      expect.arrayContaining([
        ['content-length-range', 1, 1024],
        { key: 'incoming/a b.pdf' },
        { 'Content-Type': 'application/pdf' },
        { bucket: 'the-bucket' },
        { 'X-Amz-Algorithm': 'AWS4-HMAC-SHA256' },
        { 'X-Amz-Credential': expect.stringMatching(/^AKIDEXAMPLE\/\d{8}\/eu-west-1\/s3\/aws4_request$/) },
      ]),
    );
    // Nothing but those and the date: no starts-with, so the consumer chooses no key and no other field.
    expect(policy.conditions).toHaveLength(7);
    expect(JSON.stringify(policy.conditions)).not.toContain('starts-with');
    const expiresAt = Date.parse(policy.expiration);
    expect(post.expiresAtMs).toBe(expiresAt);
    expect(expiresAt - before).toBeGreaterThanOrEqual(59_000);
    expect(expiresAt - before).toBeLessThanOrEqual(61_000);
    expect(post.fields).toMatchObject({
      key: 'incoming/a b.pdf',
      'Content-Type': 'application/pdf',
      bucket: 'the-bucket',
    });
  });

  it('pins no content type when none was minted, so the form may send none', async () => {
    const post = await presignerFor().presignPost({ key: 'incoming/x', maxBytes: 5, expiresInSeconds: 60 });

    expect(JSON.stringify(decode(post.fields.Policy).conditions)).not.toContain('Content-Type');
    expect(post.fields).not.toHaveProperty('Content-Type');
  });

  it("addresses the emulator by path, and signs what S3's own rule (as local mode checks it) accepts, and nothing tampered", async () => {
    const post = await presignerFor('http://127.0.0.1:4569').presignPost({
      key: 'incoming/x',
      maxBytes: 5,
      expiresInSeconds: 60,
    });
    const judge = (fields: Record<string, string>) =>
      judgePostForm(Object.entries(fields), { bucketName: 'the-bucket', credentials, nowMs: Date.now() });

    expect(post.url).toBe('http://127.0.0.1:4569/the-bucket');
    expect(await judge(post.fields)).toEqual({ accepted: true, size: { min: 1, max: 5 } });
    const widened = Buffer.from(
      JSON.stringify({ ...decode(post.fields.Policy), conditions: [['content-length-range', 1, 5_000_000]] }),
    ).toString('base64');
    expect(await judge({ ...post.fields, Policy: widened })).toMatchObject({
      accepted: false,
      refusal: { code: 'SignatureDoesNotMatch' },
    });
  });
});
