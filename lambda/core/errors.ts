import type { DenialReason } from './rules.js';

/** Errors of the domain. Each maps to one HTTP answer in lambda/shared/http.ts, and nowhere else. */
export abstract class DomainError extends Error {
  abstract readonly code: string;
}

/** The request is not acceptable; `field` names what is wrong when a field is. */
export class InvalidRequestError extends DomainError {
  readonly code = 'invalid_request';
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'InvalidRequestError';
  }
}

export class InvalidJsonError extends DomainError {
  readonly code = 'invalid_json';
  constructor() {
    super('The request body is not valid JSON.');
    this.name = 'InvalidJsonError';
  }
}

export class PayloadTooLargeError extends DomainError {
  readonly code = 'payload_too_large';
  constructor(limitBytes: number) {
    super(`The request body is larger than ${limitBytes} bytes.`);
    this.name = 'PayloadTooLargeError';
  }
}

export class UnsupportedMediaTypeError extends DomainError {
  readonly code = 'unsupported_media_type';
  constructor(message = 'The request body must be sent as Content-Type: application/json.') {
    super(message);
    this.name = 'UnsupportedMediaTypeError';
  }
}

/** The producer scope does not let this caller mint for that key; `prefix` is what it may mint under. */
export class KeyNotAllowedError extends DomainError {
  readonly code = 'key_not_allowed';
  constructor(prefix: string | undefined) {
    super(
      prefix === undefined
        ? 'This caller may not mint nonces: the producer scope allows it no keys.'
        : `This caller may mint nonces only for keys that start with ${JSON.stringify(prefix)}.`,
    );
    this.name = 'KeyNotAllowedError';
  }
}

export class ObjectNotFoundError extends DomainError {
  readonly code = 'object_not_found';
  constructor() {
    super('No object with that key exists in the bucket.');
    this.name = 'ObjectNotFoundError';
  }
}

/** An upload nonce for a key that holds an object already, minted without `overwrite`. */
export class ObjectExistsError extends DomainError {
  readonly code = 'object_exists';
  constructor() {
    super('An object with that key exists already: choose another key, or mint with "overwrite": true to replace it.');
    this.name = 'ObjectExistsError';
  }
}

/** The stack was deployed without an upload key prefix: it mints and redeems no upload nonces. */
export class UploadsDisabledError extends DomainError {
  readonly code = 'uploads_disabled';
  constructor() {
    super('Uploads are not enabled on this service (it was deployed without an upload key prefix).');
    this.name = 'UploadsDisabledError';
  }
}

export class NotFoundError extends DomainError {
  readonly code = 'not_found';
  constructor(message = 'No such resource.') {
    super(message);
    this.name = 'NotFoundError';
  }
}

export class MethodNotAllowedError extends DomainError {
  readonly code = 'method_not_allowed';
  constructor(readonly allowed: string) {
    super(`Only ${allowed} is allowed on this route.`);
    this.name = 'MethodNotAllowedError';
  }
}

/**
 * A producer route reached without a caller ARN. On AWS a SigV4-signed request always carries one; were
 * it ever missing, the nonce would have no owner to check, so nothing is done (never recorded as "local").
 */
export class CallerUnidentifiedError extends DomainError {
  readonly code = 'caller_unidentified';
  constructor() {
    super('The request carries no caller identity: sign it with AWS Signature Version 4 and IAM credentials.');
    this.name = 'CallerUnidentifiedError';
  }
}

/**
 * One answer for every refusal of a nonce: the caller learns nothing about which rule refused it. The
 * sentence is API Gateway's ACCESS_DENIED body too, which also answers IAM denials on producer routes.
 */
export class NonceInvalidError extends DomainError {
  readonly code = 'nonce_invalid';
  constructor(readonly reason: DenialReason) {
    super('Access denied: the nonce is invalid, expired or already used, or the caller may not call this route.');
    this.name = 'NonceInvalidError';
  }
}

/** A dependency (DynamoDB, S3) failed, throttled or timed out: retry later; nothing was consumed. */
export class DependencyUnavailableError extends DomainError {
  readonly code = 'service_unavailable';
  constructor(
    readonly dependency: 'nonce-store' | 'object-store',
    options?: { cause?: unknown },
  ) {
    super(`The ${dependency} is unavailable.`, options);
    this.name = 'DependencyUnavailableError';
  }
}

/** A store refused a write because the nonceId exists already (a collision: practically impossible). */
export class NonceCollisionError extends Error {
  constructor() {
    super('A nonce with this id exists already.');
    this.name = 'NonceCollisionError';
  }
}
