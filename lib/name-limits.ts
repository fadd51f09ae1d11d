/**
 * Names the stack derives from its own name, with the limits AWS sets on them (CloudFormation resource
 * reference; docs/aws-behaviour.md). CloudFormation allows stack names of 128 characters, which would
 * push some of these past theirs and fail the deployment half-way: stackName is checked against them at
 * synth time instead. test/infra/context.test.ts synthesizes the longest accepted name and checks the
 * template, so this table cannot drift from the constructs.
 */
const DERIVED_NAMES = [
  // lib/edge-protection.ts: AWS::WAFv2::WebACL Name, 1 to 128 characters.
  { what: `the web ACL's name "<stackName>-api"`, suffix: '-api', max: 128, service: 'WAF' },
  // lib/monitoring.ts: AWS::SNS::Topic DisplayName, at most 100 characters.
  { what: `the alarm topic's display name "<stackName> alarms"`, suffix: ' alarms', max: 100, service: 'SNS' },
] as const;

/** Why this stack name is too long for a name derived from it, or undefined when it is not. */
export const stackNameLengthProblem = (stackName: string): string | undefined => {
  for (const { what, suffix, max, service } of DERIVED_NAMES) {
    if (stackName.length + suffix.length > max) {
      const longest = Math.min(...DERIVED_NAMES.map((name) => name.max - name.suffix.length));
      return (
        `expected at most ${longest} characters, got ${stackName.length}: ` +
        `${what} would be longer than the ${max} characters ${service} allows.`
      );
    }
  }
  return undefined;
};
