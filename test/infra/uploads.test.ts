import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { readSettings } from '../../lib/context.js';
import { presignedAllowListCondition } from '../../lib/storage.js';
import { actionsOf, asArray, logicalIdOf, nagFindings, type Statement, statementsOfRole, synth } from './support.js';

const bucketPolicyStatements = (template: ReturnType<typeof synth>['template']): Statement[] =>
  Object.values(template.findResources('AWS::S3::BucketPolicy')).flatMap(
    (policy) => policy.Properties.PolicyDocument.Statement as Statement[],
  );

describe('uploadKeyPrefix unset (the default): no uploads anywhere', () => {
  const { stack, template } = synth();

  it('grants s3:PutObject to no function and hands no function UPLOAD_KEY_PREFIX', () => {
    for (const fn of stack.links.functions.all()) {
      expect(actionsOf(statementsOfRole(template, logicalIdOf(fn.role)))).not.toContain('s3:PutObject');
    }
    expect(JSON.stringify(template.findResources('AWS::Lambda::Function'))).not.toContain('UPLOAD_KEY_PREFIX');
    expect(bucketPolicyStatements(template).map((statement) => statement.Sid)).not.toContain(
      'DenyUploadsSignedLongerAgoThanThePresignWindow',
    );
  });
});

describe('uploadKeyPrefix=incoming/ with an allow list and browser origins', () => {
  const { app, stack, template } = synth({
    uploadKeyPrefix: 'incoming/',
    allowedCidrs: '203.0.113.0/24',
    allowedOrigins: 'https://app.example.com',
  });
  const bucketArn = stack.resolve(stack.links.storage.bucket.bucketArn);
  const underPrefix = { 'Fn::Join': ['', [bucketArn, '/incoming/*']] };

  it('grants AccessObject s3:PutObject on bucket/incoming/* and nothing wider, and no other function any', () => {
    const accessObject = statementsOfRole(template, logicalIdOf(stack.links.functions.accessObject.role));
    const puts = accessObject.filter((statement) => asArray(statement.Action).includes('s3:PutObject'));
    expect(puts).toEqual([{ Action: 's3:PutObject', Effect: 'Allow', Resource: underPrefix }]);
    for (const fn of [
      stack.links.functions.generateUrl,
      stack.links.functions.validateNonce,
      stack.links.functions.nonceStatus,
    ]) {
      expect(actionsOf(statementsOfRole(template, logicalIdOf(fn.role)))).not.toContain('s3:PutObject');
    }
  });

  it('hands the prefix to GenerateURL and AccessObject only', () => {
    for (const fn of [stack.links.functions.generateUrl, stack.links.functions.accessObject]) {
      template.hasResourceProperties('AWS::Lambda::Function', {
        Handler: 'index.handler',
        Environment: { Variables: Match.objectLike({ UPLOAD_KEY_PREFIX: 'incoming/' }) },
        Role: { 'Fn::GetAtt': [logicalIdOf(fn.role), 'Arn'] },
      });
    }
    const withPrefix = Object.values(template.findResources('AWS::Lambda::Function')).filter((fn) =>
      JSON.stringify(fn.Properties.Environment ?? {}).includes('UPLOAD_KEY_PREFIX'),
    );
    expect(withPrefix).toHaveLength(2);
  });

  it('denies PutObject under the prefix signed longer ago than the presign window, and presigned POSTs from outside the allow list', () => {
    const statements = bucketPolicyStatements(template);
    expect(statements).toContainEqual(
      expect.objectContaining({
        Sid: 'DenyUploadsSignedLongerAgoThanThePresignWindow',
        Effect: 'Deny',
        Action: 's3:PutObject',
        Resource: underPrefix,
        Condition: { NumericGreaterThan: { 's3:signatureAge': 60_000 } },
      }),
    );
    expect(statements).toContainEqual(
      expect.objectContaining({
        Sid: 'DenyPresignedUploadsFromOutsideTheAllowList',
        Effect: 'Deny',
        Action: 's3:PutObject',
        Resource: underPrefix,
        Condition: { StringEquals: { 's3:authType': 'POST' }, NotIpAddress: { 'aws:SourceIp': ['203.0.113.0/24'] } },
      }),
    );
    expect(presignedAllowListCondition(['203.0.113.0/24'], [], 'POST')).toEqual(
      statements.find((statement) => statement.Sid === 'DenyPresignedUploadsFromOutsideTheAllowList')?.Condition,
    );
  });

  it('lets the allowed origins POST the form (CORS), as well as GET and HEAD', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      CorsConfiguration: { CorsRules: [Match.objectLike({ AllowedMethods: ['GET', 'HEAD', 'POST'] })] },
    });
  });

  it('stays clean under cdk-nag, the PutObject wildcard acknowledged on AccessObject with its reason', () => {
    expect(nagFindings(app)).toEqual([]);
  });
});

describe('uploadKeyPrefix, validated at synth', () => {
  const lookup = (value: unknown) => readSettings((key) => (key === 'uploadKeyPrefix' ? value : undefined));

  it('takes "" as no uploads and a prefix ending in "/"', () => {
    expect(lookup('')).not.toHaveProperty('uploadKeyPrefix');
    expect(lookup('drop/box/').uploadKeyPrefix).toBe('drop/box/');
  });

  it.each([
    ['incoming', /must end with "\/"/],
    ['in*/', /must not contain "\*", "\?" or "\$"/],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: an IAM policy variable, as a user would write it.
    ['${aws:username}/', /must not contain "\*", "\?" or "\$"/],
    ['a/../', /must not have a "\." or "\.\." path segment/],
    ['a\n/', /control characters/],
    [3, /expected a string/],
  ])('refuses %j, naming the option', (value, message) => {
    expect(() => lookup(value)).toThrow(/Invalid CDK context value "uploadKeyPrefix"/);
    expect(() => lookup(value)).toThrow(message);
  });
});
