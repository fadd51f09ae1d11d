/**
 * The context options that follow AWS's documented behaviour (docs/aws-behaviour.md): execution log levels,
 * the S3 allow list's VPC endpoints, the consumer's own throttle, the producer scope.
 */
import { describe, expect, it } from 'vitest';
import { ownerOf } from '../../lambda/core/owner.js';
import { CONTEXT_DEFAULTS, type ContextKey, readSettings } from '../../lib/context.js';
import { PresignedUrlNonceStack } from '../../lib/presigned-url-nonce-stack.js';
import { testApp } from './support.js';

const settingsWith = (values: Partial<Record<ContextKey, unknown>>) =>
  readSettings((key) => (key in values ? values[key] : CONTEXT_DEFAULTS[key]));

const ROLE = 'arn:aws:sts::111122223333:assumed-role/reports';

describe('apiLogLevel', () => {
  it('is OFF by default and accepts ERROR', () => {
    expect(settingsWith({}).apiLogLevel).toBe('OFF');
    expect(settingsWith({ apiLogLevel: 'ERROR' }).apiLogLevel).toBe('ERROR');
  });

  it('refuses INFO with the reason: execution logs would record the nonce', () => {
    expect(() => settingsWith({ apiLogLevel: 'INFO' })).toThrow(
      /apiLogLevel": INFO is not offered: .*request parameters .* the nonce/,
    );
  });
});

describe('allowedVpcEndpoints', () => {
  it('takes VPC endpoint IDs of either length, as a list or a comma-separated string', () => {
    expect(settingsWith({ allowedVpcEndpoints: 'vpce-1a2b3c4d,vpce-0123456789abcdef0' }).allowedVpcEndpoints).toEqual([
      'vpce-1a2b3c4d',
      'vpce-0123456789abcdef0',
    ]);
  });

  it.each(['vpc-1a2b3c4d', 'vpce-1A2B3C4D', 'vpce-123', 'vpce-0123456789abcdef'])('refuses %s', (value) => {
    expect(() => settingsWith({ allowedVpcEndpoints: [value] })).toThrow(
      new RegExp(`allowedVpcEndpoints": "${value}" is not a VPC endpoint ID`),
    );
  });
});

describe('consumer throttling', () => {
  it("defaults to the producers' limits and takes its own", () => {
    expect(settingsWith({})).toMatchObject({ consumerThrottlingRateLimit: 50, consumerThrottlingBurstLimit: 100 });
    expect(settingsWith({ consumerThrottlingRateLimit: '20', consumerThrottlingBurstLimit: '40' })).toMatchObject({
      consumerThrottlingRateLimit: 20,
      consumerThrottlingBurstLimit: 40,
    });
  });

  it.each([
    ['consumerThrottlingRateLimit', 0],
    ['consumerThrottlingRateLimit', 10_001],
    ['consumerThrottlingBurstLimit', 1.5],
    ['consumerThrottlingBurstLimit', 5_001],
  ] as const)('refuses %s = %j', (key, value) => {
    expect(() => settingsWith({ [key]: value })).toThrow(new RegExp(`"${key}": expected`));
  });
});

describe('producerKeyPrefixes', () => {
  it('is off ({}) by default and takes an object or its JSON text', () => {
    expect(settingsWith({}).producerKeyPrefixes).toEqual({});
    const scope = { [ROLE]: 'reports/', 'arn:aws:iam::111122223333:user/alice': 'alice/', '*': 'shared/' };
    expect(settingsWith({ producerKeyPrefixes: scope }).producerKeyPrefixes).toEqual(scope);
    expect(settingsWith({ producerKeyPrefixes: JSON.stringify(scope) }).producerKeyPrefixes).toEqual(scope);
  });

  it('accepts exactly the owners the runtime normalises to', () => {
    for (const owner of [
      ROLE,
      'arn:aws-cn:iam::111122223333:root',
      'arn:aws:iam::111122223333:user/team/alice',
      'arn:aws:sts::111122223333:federated-user/alice',
    ]) {
      expect(ownerOf(owner)).toBe(owner);
      expect(settingsWith({ producerKeyPrefixes: { [owner]: 'a/' } }).producerKeyPrefixes).toEqual({ [owner]: 'a/' });
    }
  });

  it.each([
    ['not JSON', '{reports: 1}', /expected a JSON object mapping an owner ARN/],
    ['an array', '["reports/"]', /expected a JSON object/],
    [
      'a role ARN',
      { 'arn:aws:iam::111122223333:role/service/reports': 'r/' },
      /is a role ARN, but API Gateway reports a role's callers as "arn:aws:sts::111122223333:assumed-role\/reports": name that\./,
    ],
    [
      'a session',
      { [`${ROLE}/task-1`]: 'r/' },
      /names one session; every session of a role is one owner: name "arn:aws:sts::111122223333:assumed-role\/reports"\./,
    ],
    ['something else', { alice: 'a/' }, /"alice" is neither "\*" nor an IAM user/],
    ['a prefix that is not a string', { '*': 3 }, /the prefix of "\*" must be a string/],
    ['a prefix with a control character', { '*': 'a\nb' }, /the prefix of "\*" must be a string/],
    [
      'more than fits a Lambda environment',
      { '*': 'x'.repeat(1000), [ROLE]: 'y'.repeat(1000), 'arn:aws:iam::111122223333:root': 'z'.repeat(1000) },
      /at most 3000 bytes as JSON/,
    ],
  ])('refuses %s', (_, value, message) => {
    expect(() => settingsWith({ producerKeyPrefixes: value })).toThrow(message);
  });

  it('stops synthesis for a bad value, naming the option', () => {
    const app = testApp({ producerKeyPrefixes: { 'arn:aws:iam::111122223333:role/reports': 'r/' } });
    expect(() => new PresignedUrlNonceStack(app, 'Invalid')).toThrow(/Invalid CDK context value "producerKeyPrefixes"/);
  });
});
