import type { APIGatewayProxyEvent } from 'aws-lambda';

/**
 * The caller's IAM principal ARN, which API Gateway sets on routes signed with SigV4 (AWS_IAM). Local
 * mode has no IAM: its server fills the same field from the `x-local-principal` header, default `local`.
 */
export const callerOf = (event: Pick<APIGatewayProxyEvent, 'requestContext'>): string =>
  event.requestContext.identity?.userArn ?? 'local';
