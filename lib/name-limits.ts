/**
 * Names the construct derives from its namePrefix (by default the stack's name), with the limits AWS sets
 * on them (CloudFormation resource reference; docs/aws-behaviour.md). CloudFormation allows stack names of
 * 128 characters, which would push some of these past theirs and fail the deployment half-way: stackName
 * and namePrefix are checked against them at synth time instead. test/infra/context.test.ts synthesizes the longest accepted name and checks the
 * template, so this table cannot drift from the constructs.
 */
const DERIVED_NAMES = [
  // lib/edge-protection.ts: AWS::WAFv2::WebACL Name, 1 to 128 characters.
  { what: (name: string) => `the web ACL's name "<${name}>-api"`, suffix: '-api', max: 128, service: 'WAF' },
  // lib/monitoring.ts: AWS::SNS::Topic DisplayName, at most 100 characters.
  {
    what: (name: string) => `the alarm topic's display name "<${name}> alarms"`,
    suffix: ' alarms',
    max: 100,
    service: 'SNS',
  },
] as const;

/** CloudFormation stack names: a letter, then letters, digits and hyphens, at most 128 characters. */
export const STACK_NAME = /^[A-Za-z][A-Za-z0-9-]{0,127}$/;

/**
 * Why this stack name (or the construct's namePrefix, which defaults to it) is too long for a name derived
 * from it, or undefined when it is not. `option` is how the message calls it.
 */
export const stackNameLengthProblem = (stackName: string, option = 'stackName'): string | undefined => {
  for (const { what, suffix, max, service } of DERIVED_NAMES) {
    if (stackName.length + suffix.length > max) {
      const longest = Math.min(...DERIVED_NAMES.map((name) => name.max - name.suffix.length));
      return (
        `expected at most ${longest} characters, got ${stackName.length}: ` +
        `${what(option)} would be longer than the ${max} characters ${service} allows.`
      );
    }
  }
  return undefined;
};
