import { NonceCollisionError, ObjectNotFoundError } from './errors.js';
import { type MintedNonce, mintNonce, type RandomSource } from './nonce.js';
import type { Clock, NonceRecord, NonceWriter, ObjectChecker } from './ports.js';
import { checkKeyAllowed, type ProducerKeyPrefixes } from './producer-scope.js';
import { epochSeconds, expiresAtFor } from './rules.js';

export interface IssueNonceDeps {
  readonly nonces: NonceWriter;
  readonly objects: ObjectChecker;
  readonly clock: Clock;
  readonly random?: RandomSource;
  /** The optional producer scope; undefined lets every producer mint any key. */
  readonly keyPrefixes?: ProducerKeyPrefixes;
}

export interface IssueNonceInput {
  readonly key: string;
  readonly expiresInSeconds: number;
  readonly maxUses: number;
  readonly createdBy: string;
  readonly responseContentDisposition?: string;
  /** GET shows a confirmation page; only POST takes a use. */
  readonly confirm?: boolean;
}

export interface IssuedNonce extends MintedNonce {
  readonly expiresAt: number;
  readonly maxUses: number;
}

/** A collision of 256-bit random ids does not happen; one retry keeps a broken RNG from looping. */
const MAX_MINT_ATTEMPTS = 2;

export const issueNonce = async (deps: IssueNonceDeps, input: IssueNonceInput): Promise<IssuedNonce> => {
  // Before the existence check: a caller outside its scope must not learn which keys exist.
  checkKeyAllowed(deps.keyPrefixes, input.createdBy, input.key);
  if (!(await deps.objects.exists(input.key))) throw new ObjectNotFoundError();

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
    };
    try {
      await deps.nonces.create(record);
      return { ...minted, expiresAt: record.expiresAt, maxUses: record.maxUses };
    } catch (error: unknown) {
      if (!(error instanceof NonceCollisionError) || attempt >= MAX_MINT_ATTEMPTS) throw error;
    }
  }
};
