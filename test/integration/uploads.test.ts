/**
 * AccessObject's presigned POST (AWS's createPresignedPost, path style at the emulator) sent as a form to
 * the S3 emulator, through the front that judges it as S3 does (local/s3-post-front.ts).
 */
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uploadPresignerFor } from '../../lambda/adapters/s3-upload-presigner.js';
import { type Emulators, LOCAL_REGION, startEmulators } from '../../local/emulators.js';

describe('presigned POST uploads on the S3 emulator', () => {
  let emulators: Emulators;
  const presign = (key: string, maxBytes: number, contentType?: string) =>
    uploadPresignerFor({
      aws: { region: LOCAL_REGION, s3Endpoint: emulators.s3Endpoint },
      bucketName: emulators.bucketName,
    }).presignPost({ key, maxBytes, expiresInSeconds: 60, ...(contentType === undefined ? {} : { contentType }) });
  const send = async (
    post: Awaited<ReturnType<typeof presign>>,
    body: Uint8Array,
    extra: Record<string, string> = {},
  ) => {
    const form = new FormData();
    for (const [name, value] of Object.entries({ ...post.fields, ...extra })) form.append(name, value);
    form.append('file', new Blob([body]), 'upload.bin');
    const response = await fetch(post.url, { method: 'POST', body: form });
    return { status: response.status, text: await response.text() };
  };

  beforeAll(async () => {
    emulators = await startEmulators({
      dynamoDbPort: 0,
      s3Port: 0,
      tableName: 'uploads-test',
      bucketName: 'uploads-test',
      seed: false,
    });
  });
  afterAll(async () => {
    await emulators?.stop();
  });

  it('stores the file at the pinned key with the pinned Content-Type, answering 204', async () => {
    const post = await presign('incoming/a.csv', 100, 'text/csv');

    expect(await send(post, Buffer.from('a,b\n1,2\n'))).toEqual({ status: 204, text: '' });
    const head = await emulators.s3.send(
      new HeadObjectCommand({ Bucket: emulators.bucketName, Key: 'incoming/a.csv' }),
    );
    expect(head).toMatchObject({ ContentLength: 8, ContentType: 'text/csv' });
  });

  it('refuses with S3 XML errors and stores nothing: over maxBytes, a changed key, an extra field', async () => {
    const cases = [
      [await presign('incoming/big', 10), Buffer.alloc(11), {}, 400, 'EntityTooLarge'],
      [await presign('incoming/mine', 10), Buffer.from('x'), { key: 'incoming/theirs' }, 403, 'AccessDenied'],
      [await presign('incoming/extra', 10), Buffer.from('x'), { success_action_status: '201' }, 403, 'AccessDenied'],
    ] as const;
    for (const [post, body, extra, status, code] of cases) {
      const answer = await send(post, body, extra);
      expect(answer.status).toBe(status);
      expect(answer.text).toContain(`<Code>${code}</Code>`);
    }
    for (const key of ['incoming/big', 'incoming/mine', 'incoming/theirs', 'incoming/extra']) {
      await expect(
        emulators.s3.send(new HeadObjectCommand({ Bucket: emulators.bucketName, Key: key })),
      ).rejects.toThrow();
    }
  });
});
