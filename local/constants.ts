/** Names and credentials of the local stack, in a module with no imports: bin/local.ts loads it before anything heavy. */

/** The credentials s3rver documents; the AWS CLI and SDKs sign with them against the S3 emulator. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;
export const LOCAL_REGION = 'us-east-1';
export const LOCAL_RESOURCE_NAME = 'presigned-url-nonce-local';
export const SEED_KEY = 'hello.txt';
export const SEED_BODY = 'Hello from presigned-url-nonce local mode!\n';
