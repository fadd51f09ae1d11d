/**
 * The ready stack (`cdk deploy` of this repository): the options from validated context, the construct
 * PresignedUrlNonce that builds everything, and the outputs.
 */
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { type StackSettings, settingsFromContext } from './context.js';
import { PresignedUrlNonce } from './presigned-url-nonce.js';

export interface PresignedUrlNonceStackProps extends StackProps {
  /** @default - read from CDK context (cdk.json and `-c key=value`), validated */
  readonly settings?: StackSettings;
}

export class PresignedUrlNonceStack extends Stack {
  public readonly settings: StackSettings;
  public readonly links: PresignedUrlNonce;

  constructor(scope: Construct, id: string, props: PresignedUrlNonceStackProps = {}) {
    super(scope, id, {
      description: 'presigned-url-nonce: one-time, expiring, revocable access to private S3 objects',
      ...props,
    });
    const settings = props.settings ?? settingsFromContext(this.node);
    this.settings = settings;
    const { stackName: _stackName, existingBucketName, ...options } = settings;

    // The id "Default" is left out of logical ids: every resource keeps the id it had when the stack built
    // them itself, so existing deployments update in place (test/infra/logical-ids.test.ts).
    this.links = new PresignedUrlNonce(this, 'Default', {
      ...options,
      ...(existingBucketName === undefined
        ? {}
        : { bucket: s3.Bucket.fromBucketName(this, 'ExistingBucket', existingBucketName) }),
    });

    new CfnOutput(this, 'ApiUrl', {
      description: 'Base URL of the API stage: POST <ApiUrl>generate-url (SigV4), GET <ApiUrl>access-object?nonce=…',
      value: this.links.apiUrl,
    });
    new CfnOutput(this, 'BucketName', {
      description: 'The bucket whose objects producers can share (upload them here)',
      value: this.links.bucket.bucketName,
    });
    new CfnOutput(this, 'ProducerPolicyArn', {
      description: "Attach to a producer application's role or user to let it call the producer routes",
      value: this.links.producerPolicy.managedPolicyArn,
    });
    new CfnOutput(this, 'TableName', {
      description: 'The nonce table (items hold only nonce hashes)',
      value: this.links.table.tableName,
    });
    new CfnOutput(this, 'AlarmTopicArn', {
      description: 'Subscribe here (or set -c alarmEmail=…) to receive the alarms',
      value: this.links.alarmTopic.topicArn,
    });
  }
}
