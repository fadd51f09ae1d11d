import { describe, expect, it } from 'vitest';
import { CONTEXT_DEFAULTS, type ContextKey, checkCidr, readSettings } from '../../lib/context.js';
import { PresignedUrlNonceStack } from '../../lib/presigned-url-nonce-stack.js';
import { CDK_JSON, testApp } from './support.js';

const settingsWith = (values: Partial<Record<ContextKey, unknown>>) =>
  readSettings((key) => (key in values ? values[key] : CONTEXT_DEFAULTS[key]));

describe('cdk.json', () => {
  it('runs the app with tsx, offline: notices and CLI telemetry off', () => {
    expect(CDK_JSON.app).toBe('npx tsx bin/app.ts');
    expect(CDK_JSON.notices).toBe(false);
    expect(CDK_JSON.context['cli-telemetry']).toBe(false);
  });

  it('lists every context option with the default the code uses', () => {
    const options = Object.fromEntries(
      Object.entries(CDK_JSON.context).filter(([key]) => !key.startsWith('@aws-cdk') && key !== 'cli-telemetry'),
    );
    expect(options).toEqual(CONTEXT_DEFAULTS);
  });
});

describe('readSettings', () => {
  it('turns the defaults into settings, leaving the optional ones unset', () => {
    const settings = readSettings((key) => CONTEXT_DEFAULTS[key]);

    expect(settings).toEqual({
      stackName: 'PresignedUrlNonce',
      removalPolicy: 'retain',
      allowedOrigins: [],
      rateLimitPer5Min: 1000,
      allowedCidrs: [],
      throttlingRateLimit: 50,
      throttlingBurstLimit: 100,
      requireMfa: false,
      presignTtlSeconds: 60,
      maxExpiresInSeconds: 604_800,
      maxUsesLimit: 100,
      logRetentionDays: 90,
      apiLogLevel: 'ERROR',
      stageName: 'prod',
      denialAlarmThreshold: 50,
      apiGatewayCloudWatchRole: true,
    });
  });

  it('uses the defaults when the context has no value at all', () => {
    expect(readSettings(() => undefined)).toEqual(readSettings((key) => CONTEXT_DEFAULTS[key]));
  });

  it('accepts the strings `-c key=value` produces', () => {
    const settings = settingsWith({
      removalPolicy: 'destroy',
      rateLimitPer5Min: '200',
      presignTtlSeconds: '300',
      throttlingRateLimit: '12.5',
      requireMfa: 'true',
      allowedCidrs: '203.0.113.0/24, 2001:db8::/32',
      allowedOrigins: '["https://app.example.com","http://localhost:5173"]',
      alarmEmail: 'ops@example.com',
      existingBucketName: 'my-private-objects',
      publicBaseUrl: 'https://files.example.com/share/',
      logRetentionDays: '365',
      apiLogLevel: 'INFO',
    });

    expect(settings).toMatchObject({
      removalPolicy: 'destroy',
      rateLimitPer5Min: 200,
      presignTtlSeconds: 300,
      throttlingRateLimit: 12.5,
      requireMfa: true,
      allowedCidrs: ['203.0.113.0/24', '2001:db8::/32'],
      allowedOrigins: ['https://app.example.com', 'http://localhost:5173'],
      alarmEmail: 'ops@example.com',
      existingBucketName: 'my-private-objects',
      publicBaseUrl: 'https://files.example.com/share',
      logRetentionDays: 365,
      apiLogLevel: 'INFO',
    });
  });

  it.each([
    ['allowedCidrs', ['10.0.0.300/8'], /allowedCidrs.*"10\.0\.0\.300\/8" is not an IPv4 or IPv6 CIDR block/],
    ['allowedCidrs', '10.0.0.0', /allowedCidrs.*not an IPv4 or IPv6 CIDR block/],
    ['allowedCidrs', ['10.0.0.1/8'], /allowedCidrs.*host bits set/],
    ['allowedCidrs', ['0.0.0.0/0'], /allowedCidrs.*\/1 to \/32/],
    ['alarmEmail', 'ops-at-example.com', /alarmEmail.*not an email address/],
    ['removalPolicy', 'delete', /removalPolicy.*one of retain, destroy, got "delete"/],
    ['removalPolicy', 'RETAIN', /removalPolicy/],
    ['rateLimitPer5Min', 'lots', /rateLimitPer5Min.*whole number from 10 to 2000000000, got "lots"/],
    ['rateLimitPer5Min', 5, /rateLimitPer5Min.*got 5/],
    ['presignTtlSeconds', 301, /presignTtlSeconds.*from 10 to 300, got 301/],
    ['presignTtlSeconds', '0', /presignTtlSeconds/],
    // The signing time is rounded down to the second: a URL of 1 s could be expired on arrival.
    ['presignTtlSeconds', 9, /presignTtlSeconds.*from 10 to 300, got 9/],
    ['presignTtlSeconds', 1.5, /presignTtlSeconds/],
    ['maxExpiresInSeconds', 31_536_001, /maxExpiresInSeconds/],
    ['maxUsesLimit', '', /maxUsesLimit/],
    ['throttlingBurstLimit', 0, /throttlingBurstLimit/],
    ['requireMfa', 'yes', /requireMfa.*true or false/],
    ['apiGatewayCloudWatchRole', 1, /apiGatewayCloudWatchRole/],
    ['logRetentionDays', 10, /logRetentionDays.*CloudWatch Logs accepts only/],
    ['publicBaseUrl', 'http://files.example.com', /publicBaseUrl.*https URL/],
    ['publicBaseUrl', 'https://files.example.com/?x=1', /publicBaseUrl/],
    ['publicBaseUrl', 'files.example.com', /publicBaseUrl.*absolute https URL/],
    ['allowedOrigins', ['*'], /allowedOrigins.*"\*" is not an origin/],
    ['allowedOrigins', ['https://app.example.com/path'], /allowedOrigins/],
    ['allowedOrigins', '[not json', /allowedOrigins.*JSON array/],
    ['allowedOrigins', [42], /allowedOrigins.*list of strings/],
    ['existingBucketName', 'My_Bucket', /existingBucketName.*not a valid S3 bucket name/],
    ['existingBucketName', 'a..b', /existingBucketName/],
    ['stageName', 'prod/v1', /stageName/],
    ['stackName', '1stack', /stackName/],
    ['apiLogLevel', 'DEBUG', /apiLogLevel.*ERROR, INFO/],
    ['denialAlarmThreshold', -1, /denialAlarmThreshold/],
  ] as const)('refuses %s = %j', (key, value, message) => {
    expect(() => settingsWith({ [key]: value })).toThrow(message);
  });

  it('accepts IPv6 blocks and refuses an IPv6 /0', () => {
    expect(checkCidr('2001:db8::/32')).toBeUndefined();
    expect(checkCidr('::/0')).toMatch(/\/1 to \/128/);
  });
});

describe('synthesis with invalid context', () => {
  it.each([
    [{ allowedCidrs: ['not-a-cidr'] }, /Invalid CDK context value "allowedCidrs"/],
    [{ alarmEmail: 'nobody' }, /Invalid CDK context value "alarmEmail"/],
    [{ removalPolicy: 'snapshot' }, /Invalid CDK context value "removalPolicy"/],
    [{ rateLimitPer5Min: 'ten' }, /Invalid CDK context value "rateLimitPer5Min"/],
    [{ presignTtlSeconds: 600 }, /Invalid CDK context value "presignTtlSeconds"/],
  ])('stops the stack at construction for %j', (context, message) => {
    const app = testApp(context);

    expect(() => new PresignedUrlNonceStack(app, 'Invalid')).toThrow(message);
  });
});
