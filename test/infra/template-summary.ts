/**
 * What a deployed stack's identity rests on, taken from a synthesized template: every resource's logical id
 * and type (a changed id is a replacement, and for the table a loss of data), the outputs' names, and every
 * policy document (roles' trust and inline policies, the managed producer policy, resource policies,
 * Lambda permissions). Asset hashes, descriptions and metadata are left out: they may change freely.
 */

interface TemplateJson {
  readonly Resources: Record<string, { readonly Type: string; readonly Properties?: Record<string, unknown> }>;
  readonly Outputs?: Record<string, unknown>;
}

export interface TemplateSummary {
  /** logical id → resource type, sorted by logical id. */
  readonly resources: Record<string, string>;
  readonly outputs: string[];
  /** logical id → the policy-bearing properties of that resource. */
  readonly policies: Record<string, Record<string, unknown>>;
}

/** The properties that grant or deny something, per resource type. */
const POLICY_PROPERTIES: Readonly<Record<string, readonly string[]>> = {
  'AWS::IAM::Role': ['AssumeRolePolicyDocument', 'ManagedPolicyArns', 'Policies'],
  'AWS::IAM::Policy': ['PolicyDocument', 'Roles', 'Users', 'Groups'],
  'AWS::IAM::ManagedPolicy': ['PolicyDocument', 'Roles', 'Users', 'Groups'],
  'AWS::S3::BucketPolicy': ['Bucket', 'PolicyDocument'],
  'AWS::SNS::TopicPolicy': ['Topics', 'PolicyDocument'],
  'AWS::KMS::Key': ['KeyPolicy'],
  'AWS::Lambda::Permission': ['Action', 'FunctionName', 'Principal', 'SourceArn'],
};

const pick = (properties: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> =>
  Object.fromEntries(keys.filter((key) => properties[key] !== undefined).map((key) => [key, properties[key]]));

const sortedEntries = <T>(record: Record<string, T>): [string, T][] =>
  Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

export const summarizeTemplate = (template: TemplateJson): TemplateSummary => {
  const resources = sortedEntries(template.Resources);
  return {
    resources: Object.fromEntries(resources.map(([id, resource]) => [id, resource.Type])),
    outputs: Object.keys(template.Outputs ?? {}).sort(),
    policies: Object.fromEntries(
      resources.flatMap(([id, resource]) => {
        const keys = POLICY_PROPERTIES[resource.Type];
        return keys === undefined ? [] : [[id, pick(resource.Properties ?? {}, keys)]];
      }),
    ),
  };
};

/** JSON with one line per resource, output and policy: small, and a diff names what changed. */
export const formatSummaries = (summaries: Readonly<Record<string, TemplateSummary>>): string => {
  const block = (entries: [string, unknown][], indent: string): string =>
    entries.map(([key, value]) => `${indent}${JSON.stringify(key)}: ${JSON.stringify(value)}`).join(',\n');
  const cases = Object.entries(summaries).map(
    ([name, summary]) =>
      `  ${JSON.stringify(name)}: {\n` +
      `    "resources": {\n${block(Object.entries(summary.resources), '      ')}\n    },\n` +
      `    "outputs": ${JSON.stringify(summary.outputs)},\n` +
      `    "policies": {\n${block(Object.entries(summary.policies), '      ')}\n    }\n  }`,
  );
  return `{\n${cases.join(',\n')}\n}\n`;
};
