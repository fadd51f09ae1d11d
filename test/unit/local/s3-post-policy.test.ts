import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';
import { describe, expect, it } from 'vitest';
import { judgePostForm, judgeSize } from '../../../local/s3-post-policy.js';

const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);
const DATE = '20260101T120000Z';
const CREDENTIAL = `S3RVER/20260101/us-east-1/s3/aws4_request`;

/** A form as a presigned POST makes it: the policy signed with the emulator's credentials. */
const form = async (conditions: unknown[], extra: [string, string][] = [], expiration = NOW + 60_000) => {
  const policy = Buffer.from(
    JSON.stringify({
      expiration: new Date(expiration).toISOString(),
      conditions: [
        ...conditions,
        { 'x-amz-algorithm': 'AWS4-HMAC-SHA256' },
        { 'x-amz-credential': CREDENTIAL },
        { 'x-amz-date': DATE },
      ],
    }),
  ).toString('base64');
  const signer = new SignatureV4({ credentials, region: 'us-east-1', service: 's3', sha256: Sha256 });
  const signature = await signer.sign(policy, {
    signingDate: new Date(NOW),
    signingRegion: 'us-east-1',
    signingService: 's3',
  });
  return [
    ['key', 'incoming/a'],
    ['X-Amz-Algorithm', 'AWS4-HMAC-SHA256'],
    ['X-Amz-Credential', CREDENTIAL],
    ['X-Amz-Date', DATE],
    ['Policy', policy],
    ['X-Amz-Signature', signature],
    ...extra,
  ] as [string, string][];
};
const judge = (fields: [string, string][], nowMs = NOW) =>
  judgePostForm(fields, { bucketName: 'bucket', credentials, nowMs });

describe("local mode's POST policy check, as S3 documents it", () => {
  it('accepts a signed form whose fields all meet their conditions, field names in any case, and gives the size range', async () => {
    const fields = await form([{ key: 'incoming/a' }, { bucket: 'bucket' }, ['content-length-range', 1, 10]]);

    expect(await judge(fields)).toEqual({ accepted: true, size: { min: 1, max: 10 } });
  });

  it('checks eq and starts-with, and the bucket the form was posted to', async () => {
    const conditions = [
      ['eq', '$key', 'incoming/a'],
      ['starts-with', '$Content-Type', 'image/'],
    ];
    expect(await judge(await form(conditions, [['Content-Type', 'image/png']]))).toMatchObject({ accepted: true });
    expect(await judge(await form(conditions, [['Content-Type', 'text/html']]))).toMatchObject({
      refusal: {
        code: 'AccessDenied',
        message: 'Invalid according to Policy: Policy Condition failed: ["starts-with","$Content-Type","image/"]',
      },
    });
    expect(await judge(await form([{ key: 'incoming/a' }, { bucket: 'another' }]))).toMatchObject({
      refusal: { code: 'AccessDenied' },
    });
  });

  it('refuses a field no condition names, but not x-ignore- fields', async () => {
    const conditions = [{ key: 'incoming/a' }];
    expect(await judge(await form(conditions, [['success_action_status', '201']]))).toMatchObject({
      refusal: { message: 'Invalid according to Policy: Extra input fields: success_action_status' },
    });
    expect(await judge(await form(conditions, [['x-ignore-note', 'hi']]))).toMatchObject({ accepted: true });
  });

  it('refuses an expired policy, a wrong key, a tampered policy, another access key and a form without a policy', async () => {
    expect(await judge(await form([{ key: 'incoming/a' }], [], NOW))).toMatchObject({
      refusal: { code: 'AccessDenied', message: 'Invalid according to Policy: Policy expired.' },
    });
    expect(await judge(await form([{ key: 'incoming/b' }]))).toMatchObject({ refusal: { code: 'AccessDenied' } });
    const signed = await form([{ key: 'incoming/a' }, ['content-length-range', 1, 10]]);
    const tampered = signed.map(([name, value]): [string, string] =>
      name === 'Policy'
        ? [name, Buffer.from(Buffer.from(value, 'base64').toString().replace(',10]', ',99]')).toString('base64')]
        : [name, value],
    );
    expect(await judge(tampered)).toMatchObject({ refusal: { code: 'SignatureDoesNotMatch' } });
    const otherKey = signed.map(([name, value]): [string, string] =>
      name === 'X-Amz-Credential' ? [name, value.replace('S3RVER', 'AKIDOTHER')] : [name, value],
    );
    expect(await judge(otherKey)).toMatchObject({ refusal: { code: 'InvalidAccessKeyId' } });
    expect(await judge(signed.filter(([name]) => name !== 'Policy'))).toMatchObject({
      refusal: { code: 'AccessDenied' },
    });
  });

  it('judges the size against content-length-range: EntityTooLarge and EntityTooSmall with the sizes', () => {
    expect(judgeSize(10, { min: 1, max: 10 })).toBeUndefined();
    expect(judgeSize(11, { min: 1, max: 10 })).toEqual({
      code: 'EntityTooLarge',
      message: 'Your proposed upload exceeds the maximum allowed size',
      detail: { ProposedSize: 11, MaxSizeAllowed: 10 },
    });
    expect(judgeSize(0, { min: 1, max: 10 })).toMatchObject({ code: 'EntityTooSmall', detail: { MinSizeAllowed: 1 } });
  });
});
