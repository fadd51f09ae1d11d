import {
  ConditionalCheckFailedException,
  InternalServerError,
  ProvisionedThroughputExceededException,
  ThrottlingException,
} from '@aws-sdk/client-dynamodb';

const metadata = { httpStatusCode: 400, requestId: 'test', attempts: 3, totalRetryDelay: 0 };

/** DynamoDB faults an emulator cannot produce, as the SDK raises them after its retries. */
export const dynamoDbFaults = (): Array<[string, Error]> => [
  [
    'ProvisionedThroughputExceededException',
    new ProvisionedThroughputExceededException({
      message: 'Rate of requests exceeds the allowed throughput.',
      $metadata: metadata,
    }),
  ],
  ['ThrottlingException', new ThrottlingException({ message: 'Rate exceeded', $metadata: metadata })],
  [
    'InternalServerError',
    new InternalServerError({ message: 'Internal server error', $metadata: { ...metadata, httpStatusCode: 500 } }),
  ],
  ['a request timeout', Object.assign(new Error('Connection timed out after 3000 ms'), { name: 'TimeoutError' })],
  [
    'a refused connection',
    Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8000'), { name: 'Error', code: 'ECONNREFUSED' }),
  ],
];

export const conditionalCheckFailed = (item?: Record<string, unknown>) =>
  Object.assign(
    new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: metadata }),
    item === undefined ? {} : { Item: item },
  );
