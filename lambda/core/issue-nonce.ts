import { NonceCollisionError, ObjectExistsError, ObjectNotFoundError, UploadsDisabledError } from './errors.js';
import { type MintedNonce, mintNonce, type RandomSource } from './nonce.js';
import type { Clock, NonceRecord, NonceWriter, ObjectChecker, UploadLimits } from './ports.js';
import { checkKeyAllowed, type ProducerKeyPrefixes } from './producer-scope.js';
import { epochSeconds, expiresAtFor } from './rules.js';
import { checkUploadKey } from './upload-rules.js';

export interface IssueNonceDeps {
  readonly nonces: NonceWriter;
  readonly objects: ObjectChecker;
  readonly clock: Clock;
  readonly random?: RandomSource;
  /** The optional producer scope; undefined lets every producer mint any key. */
  readonly keyPrefixes?: ProducerKeyPrefixes;
  /** Where upload nonces may put objects; undefined: uploads disabled. */
  readonly uploadKeyPrefix?: string;
}

/** An upload nonce's limits, and whether it may replace an object that exists at mint. */
export interface UploadRequest extends UploadLimits {
  readonly overwrite: boolean;
}

export interface IssueNonceInput {
  readonly key: string;
  readonly expiresInSeconds: number;
  readonly maxUses: number;
  readonly createdBy: string;
  readonly responseContentDisposition?: string;
  /** GET shows a confirmation page; only POST takes a use. */
  readonly confirm?: boolean;
  /** An upload nonce instead of a download one. */
  readonly upload?: UploadRequest;
}

export interface IssuedNonce extends MintedNonce {
  readonly expiresAt: number;
  readonly maxUses: number;
}

/** A collision of 256-bit random ids does not happen; one retry keeps a broken RNG from looping. */
const MAX_MINT_ATTEMPTS = 2;

/**
 * A download needs the object; an upload needs uploads enabled, a key under the upload prefix, and no
 * object there yet unless it may overwrite. The producer scope applies to both, and is checked before
 * the existence check: a caller outside its scope must not learn which keys exist.
 */
const checkTarget = async (deps: IssueNonceDeps, input: IssueNonceInput): Promise<void> => {
  if (input.upload === undefined) {
    checkKeyAllowed(deps.keyPrefixes, input.createdBy, input.key);
    if (!(await deps.objects.exists(input.key))) throw new ObjectNotFoundError();
    return;
  }
  if (deps.uploadKeyPrefix === undefined) throw new UploadsDisabledError();
  checkKeyAllowed(deps.keyPrefixes, input.createdBy, input.key);
  checkUploadKey(deps.uploadKeyPrefix, input.key);
  if (!input.upload.overwrite && (await deps.objects.exists(input.key))) throw new ObjectExistsError();
};

export const issueNonce = async (deps: IssueNonceDeps, input: IssueNonceInput): Promise<IssuedNonce> => {
  await checkTarget(deps, input);

  for (let attempt = 1; ; attempt++) {
    const minted = mintNonce(deps.random);
    const nowMs = deps.clock();
    const record: NonceRecord = {
      nonceId: minted.nonceId,
      key: input.key,
      expiresAt: expiresAtFor(nowMs, input.expiresInSeconds),
      maxUses: input.maxUses,
      usesLeft: input.maxUses,
      createdAt: epochSeconds(nowMs),
      createdBy: input.createdBy,
      ...(input.responseContentDisposition === undefined
        ? {}
        : { responseContentDisposition: input.responseContentDisposition }),
      ...(input.confirm === true ? { confirm: true } : {}),
      ...(input.upload === undefined
        ? {}
        : {
            upload: {
              maxBytes: input.upload.maxBytes,
              ...(input.upload.contentType === undefined ? {} : { contentType: input.upload.contentType }),
            },
          }),
    };
    try {
      await deps.nonces.create(record);
      return { ...minted, expiresAt: record.expiresAt, maxUses: record.maxUses };
    } catch (error: unknown) {
      if (!(error instanceof NonceCollisionError) || attempt >= MAX_MINT_ATTEMPTS) throw error;
    }
  }
};
