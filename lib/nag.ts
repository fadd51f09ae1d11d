/**
 * cdk-nag 3 acknowledgements. cdk-nag reads them from `Validations.of(construct).acknowledge(...)` on the
 * flagged resource or any ancestor, so each one is placed on the narrowest construct that needs it and
 * carries the reason a reviewer would ask for. The README lists them all.
 */
import { Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** Acknowledges one cdk-nag finding on one construct, with the reason it cannot apply. */
export const acknowledge = (scope: IConstruct, id: string, reason: string): void => {
  Validations.of(scope).acknowledge({ id, reason });
};

/**
 * Renders a CloudFormation value the way cdk-nag names a wildcard resource in an IAM5 finding:
 * `Fn::GetAtt` becomes `<LogicalId.Attr>`, `Ref` becomes `<LogicalId>`, `Fn::Join` is joined. The
 * finding id therefore names the exact resource, so the acknowledgement covers that ARN and no other.
 */
const flatten = (value: unknown): string => {
  if (typeof value === 'string') return value.replace(/\$\{/g, '<').replace(/\}/g, '>');
  if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>;
    const join = record['Fn::Join'];
    if (Array.isArray(join)) {
      const [delimiter, items] = join as [string, unknown[]];
      return items.map(flatten).join(delimiter);
    }
    const getAtt = record['Fn::GetAtt'];
    if (Array.isArray(getAtt)) return `<${flatten(getAtt[0])}.${flatten(getAtt[1])}>`;
    if ('Ref' in record) return `<${flatten(record.Ref)}>`;
  }
  return JSON.stringify(value);
};

/** The finding id cdk-nag gives a wildcard resource ARN in an IAM policy: `AwsSolutions-IAM5[Resource::…]`. */
export const iam5ResourceFinding = (scope: IConstruct, arn: string): string =>
  `AwsSolutions-IAM5[Resource::${flatten(Stack.of(scope).resolve(arn))}]`;
