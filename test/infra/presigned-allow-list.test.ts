import { describe, expect, it } from 'vitest';
import { presignedAllowListCondition } from '../../lib/storage.js';

/**
 * The allow-list deny, evaluated as IAM evaluates a condition block (docs/aws-behaviour.md): every operator
 * must hold; a positive operator is false and a negated one true for a key absent from the request.
 */
type Request = { readonly authType: string; readonly sourceIp?: string; readonly sourceVpce?: string };

const inCidr = (ip: string, cidr: string): boolean => {
  const [base = '', bits = '32'] = cidr.split('/');
  const toNumber = (address: string) => address.split('.').reduce((total, octet) => total * 256 + Number(octet), 0);
  const size = 2 ** (32 - Number(bits));
  return Math.floor(toNumber(ip) / size) === Math.floor(toNumber(base) / size);
};

const denies = (condition: Record<string, Record<string, unknown>>, request: Request): boolean =>
  Object.entries(condition).every(([operator, keys]) =>
    Object.entries(keys).every(([key, expected]) => {
      const values = ([] as string[]).concat(expected as string | string[]);
      const actual =
        key === 's3:authType' ? request.authType : key === 'aws:SourceIp' ? request.sourceIp : request.sourceVpce;
      if (operator === 'StringEquals') return actual !== undefined && values.includes(actual);
      if (operator === 'StringNotEquals') return actual === undefined || !values.includes(actual);
      if (operator === 'NotIpAddress') return actual === undefined || !values.some((cidr) => inCidr(actual, cidr));
      throw new Error(`operator ${operator} not modelled`);
    }),
  );

const CIDRS = ['203.0.113.0/24'];
const ENDPOINTS = ['vpce-0123456789abcdef0'];
const presigned = (extra: Omit<Request, 'authType'>): Request => ({ authType: 'REST-QUERY-STRING', ...extra });

describe('the presigned-GET allow list of the bucket policy', () => {
  it('is absent without an allow list', () => {
    expect(presignedAllowListCondition([], [])).toBeUndefined();
  });

  it.each([
    ['a presigned GET from an allowed address', presigned({ sourceIp: '203.0.113.9' }), false],
    ['a presigned GET from another address', presigned({ sourceIp: '198.51.100.1' }), true],
    [
      'a presigned GET through the allowed VPC endpoint (no aws:SourceIp)',
      presigned({ sourceVpce: ENDPOINTS[0] }),
      false,
    ],
    ['a presigned GET through another VPC endpoint', presigned({ sourceVpce: 'vpce-1a2b3c4d' }), true],
    [
      'a header-signed HeadObject from anywhere (GenerateURL)',
      { authType: 'REST-HEADER', sourceIp: '198.51.100.1' },
      false,
    ],
  ])('with CIDRs and endpoints: %s is denied: %s', (_, request, denied) => {
    const condition = presignedAllowListCondition(CIDRS, ENDPOINTS);
    if (condition === undefined) throw new Error('expected a condition');
    expect(denies(condition, request)).toBe(denied);
  });

  it('with CIDRs only, denies every VPC endpoint: its requests carry no public aws:SourceIp', () => {
    const condition = presignedAllowListCondition(CIDRS, []);
    if (condition === undefined) throw new Error('expected a condition');
    expect(denies(condition, presigned({ sourceVpce: ENDPOINTS[0] }))).toBe(true);
    expect(denies(condition, presigned({ sourceIp: '203.0.113.9' }))).toBe(false);
  });

  it('with endpoints only, denies the internet and lets the listed endpoints through', () => {
    const condition = presignedAllowListCondition([], ENDPOINTS);
    if (condition === undefined) throw new Error('expected a condition');
    expect(denies(condition, presigned({ sourceIp: '203.0.113.9' }))).toBe(true);
    expect(denies(condition, presigned({ sourceVpce: ENDPOINTS[0] }))).toBe(false);
  });
});
