import { describe, expect, it } from 'vitest';
import { ownerOf } from '../../../lambda/core/owner.js';

describe('ownerOf: the principal, not the session', () => {
  it.each([
    [
      'aws',
      'arn:aws:sts::123456789012:assumed-role/producer/i-0abc123',
      'arn:aws:sts::123456789012:assumed-role/producer',
    ],
    [
      'aws-cn',
      'arn:aws-cn:sts::123456789012:assumed-role/producer/task-1',
      'arn:aws-cn:sts::123456789012:assumed-role/producer',
    ],
    [
      'aws-us-gov',
      'arn:aws-us-gov:sts::123456789012:assumed-role/producer/botocore-session-1700000000',
      'arn:aws-us-gov:sts::123456789012:assumed-role/producer',
    ],
    [
      'an Identity Center permission set (user e-mail as session)',
      'arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Producer_0123456789abcdef/jane@example.com',
      'arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Producer_0123456789abcdef',
    ],
  ])('drops the session of an assumed role (%s)', (_, arn, owner) => {
    expect(ownerOf(arn)).toBe(owner);
  });

  it('gives two sessions of one role the same owner, and two roles different ones', () => {
    const a = ownerOf('arn:aws:sts::123456789012:assumed-role/producer/ecs-task-a');
    const b = ownerOf('arn:aws:sts::123456789012:assumed-role/producer/ecs-task-b');
    const other = ownerOf('arn:aws:sts::123456789012:assumed-role/producer-2/ecs-task-a');
    expect(a).toBe(b);
    expect(other).not.toBe(a);
  });

  it.each([
    ['an IAM user', 'arn:aws:iam::123456789012:user/alice'],
    ['an IAM user with a path', 'arn:aws:iam::123456789012:user/division/team/alice'],
    ['the root user', 'arn:aws:iam::123456789012:root'],
    ['a federated user (GetFederationToken)', 'arn:aws:sts::123456789012:federated-user/alice'],
    ['a role ARN as local mode may be given it', 'arn:aws:iam::123456789012:role/producer'],
    ['local mode’s default principal', 'local'],
    ['an assumed-role ARN without a session', 'arn:aws:sts::123456789012:assumed-role/producer'],
    ['anything else', 'alice'],
  ])('keeps %s as it is', (_, arn) => {
    expect(ownerOf(arn)).toBe(arn);
  });
});
