import type { APIGatewayProxyEvent } from 'aws-lambda';
import { CallerUnidentifiedError } from '../core/errors.js';
import { ownerOf } from '../core/owner.js';

/**
 * The owner a producer acts as: the caller's IAM principal ARN, which API Gateway sets on routes signed
 * with SigV4 (AWS_IAM), normalised so that every session of one role is the same owner (core/owner.ts).
 * Local mode has no IAM: its server fills the same field from the `x-local-principal` header, default
 * `local`, and the same normalisation applies. No ARN at all is refused, never taken as anyone.
 */
export const callerOf = (event: Pick<APIGatewayProxyEvent, 'requestContext'>): string => {
  const principal = event.requestContext.identity?.userArn;
  if (typeof principal !== 'string' || principal === '') throw new CallerUnidentifiedError();
  return ownerOf(principal);
};
