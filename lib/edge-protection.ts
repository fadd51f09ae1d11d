/**
 * AWS WAF in front of the API stage: an optional IP allow list, a per-IP rate limit, a rule that refuses
 * /access-object without a nonce before anything runs, and AWS's common and known-bad-inputs rule groups
 * on the anonymous consumer route only.
 * WAF logs go to a CloudWatch log group with the query string (the nonce) and credentials redacted.
 */
import { ArnFormat, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { GATEWAY_RESPONSES } from './gateway-responses.js';

export interface EdgeProtectionProps {
  readonly stage: apigateway.Stage;
  /** Requests per client IP per 5 minutes before WAF blocks it. */
  readonly rateLimitPer5Min: number;
  /** When not empty, only these CIDR blocks reach the API. @default - no allow list */
  readonly allowedCidrs?: readonly string[];
  /** The query parameter that carries the nonce. */
  readonly nonceQueryParameter: string;
  /** The consumer route's last path segment (`access-object`): the only route the managed rules inspect. */
  readonly consumerPath: string;
  readonly logRetention: logs.RetentionDays;
  /** @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
  /** Prefix of the web ACL's name, its metric names and its log group's name (all unique in a region). */
  readonly namePrefix: string;
}

const visibility = (metricName: string): wafv2.CfnWebACL.VisibilityConfigProperty => ({
  cloudWatchMetricsEnabled: true,
  metricName,
  // Sampled requests keep whole requests (query string included) for hours, visible in the console:
  // that would be a store of live nonces. Metrics and the redacted logs are enough.
  sampledRequestsEnabled: false,
});

/** WAF custom response bodies, in the service's error shape (they take precedence over Gateway Responses). */
const RESPONSE_BODIES = {
  unauthorized: GATEWAY_RESPONSES.UNAUTHORIZED,
  throttled: GATEWAY_RESPONSES.THROTTLED,
  forbidden: GATEWAY_RESPONSES.WAF_FILTERED,
} as const;

type ResponseBodyKey = keyof typeof RESPONSE_BODIES;

const blockWith = (key: ResponseBodyKey): wafv2.CfnWebACL.RuleActionProperty => ({
  block: {
    customResponse: {
      responseCode: RESPONSE_BODIES[key].statusCode,
      customResponseBodyKey: key,
      responseHeaders: [{ name: 'Cache-Control', value: 'no-store' }],
    },
  },
});

const isIpv6 = (cidr: string): boolean => cidr.includes(':');

/** Requests whose URI path ends with `/<path>` (any stage or base path in front), case-insensitively. */
const pathEndsWith = (path: string): wafv2.CfnWebACL.StatementProperty => ({
  byteMatchStatement: {
    fieldToMatch: { uriPath: {} },
    positionalConstraint: 'ENDS_WITH',
    searchString: `/${path}`,
    textTransformations: [{ priority: 0, type: 'LOWERCASE' }],
  },
});

/**
 * An AWS managed rule group, evaluated only on the consumer route. The producer routes are SigV4-signed
 * IAM callers whose bodies are object keys: the Core rule set would block a key containing "../" (GenericLFI_BODY),
 * "<" (CrossSiteScripting_BODY) or "http://1.2.3.4" (GenericRFI_BODY), and a signed client without a
 * User-Agent. `ruleActionOverrides` turn rules into counts.
 */
const consumerManagedRules = (
  name: string,
  consumerPath: string,
  ruleActionOverrides: readonly string[] = [],
): wafv2.CfnWebACL.StatementProperty => ({
  managedRuleGroupStatement: {
    vendorName: 'AWS',
    name,
    scopeDownStatement: pathEndsWith(consumerPath),
    ...(ruleActionOverrides.length === 0
      ? {}
      : { ruleActionOverrides: ruleActionOverrides.map((rule) => ({ name: rule, actionToUse: { count: {} } })) }),
  },
});

export class EdgeProtection extends Construct {
  public readonly webAcl: wafv2.CfnWebACL;
  public readonly logGroup: logs.LogGroup;
  /** The web ACL's metric names, for alarms and the dashboard. */
  public readonly metricNames: { readonly webAcl: string; readonly rateLimit: string };
  /** The web ACL's name: the WebACL dimension of its CloudWatch metrics. */
  public readonly webAclName: string;

  constructor(scope: Construct, id: string, props: EdgeProtectionProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const prefix = props.namePrefix;
    this.metricNames = { webAcl: `${prefix}-web-acl`, rateLimit: `${prefix}-rate-limit-per-ip` };
    this.webAclName = `${prefix}-api`;

    const rules: wafv2.CfnWebACL.RuleProperty[] = [];
    const allowedCidrs = props.allowedCidrs ?? [];
    if (allowedCidrs.length > 0) {
      const ipSet = (version: 'IPV4' | 'IPV6', addresses: string[]) =>
        new wafv2.CfnIPSet(this, `AllowList${version === 'IPV4' ? 'V4' : 'V6'}`, {
          scope: 'REGIONAL',
          ipAddressVersion: version,
          addresses,
          // CloudFormation allows letters, digits, spaces and =:#@/-,. in a WAF description.
          description: 'Clients allowed to call the API, from the context value allowedCidrs',
        });
      const references = [allowedCidrs.filter((cidr) => !isIpv6(cidr)), allowedCidrs.filter(isIpv6)].flatMap(
        (addresses, index) =>
          addresses.length === 0
            ? []
            : [{ ipSetReferenceStatement: { arn: ipSet(index === 0 ? 'IPV4' : 'IPV6', addresses).attrArn } }],
      );
      const inAllowList: wafv2.CfnWebACL.StatementProperty =
        references.length === 1 && references[0] !== undefined
          ? references[0]
          : { orStatement: { statements: references } };
      rules.push({
        name: 'IpAllowList',
        priority: 0,
        statement: { notStatement: { statement: inAllowList } },
        action: blockWith('forbidden'),
        visibilityConfig: visibility(`${prefix}-ip-allow-list`),
      });
    }

    rules.push(
      {
        name: 'RateLimitPerIp',
        priority: 1,
        statement: {
          rateBasedStatement: { limit: props.rateLimitPer5Min, aggregateKeyType: 'IP', evaluationWindowSec: 300 },
        },
        action: blockWith('throttled'),
        visibilityConfig: visibility(this.metricNames.rateLimit),
      },
      {
        // Matches API Gateway's own answer to a missing identity source (401), without invoking anything.
        name: 'AccessObjectRequiresNonce',
        priority: 2,
        statement: {
          andStatement: {
            statements: [
              pathEndsWith(props.consumerPath),
              {
                notStatement: {
                  statement: {
                    sizeConstraintStatement: {
                      fieldToMatch: { singleQueryArgument: { Name: props.nonceQueryParameter } },
                      comparisonOperator: 'GT',
                      size: 0,
                      textTransformations: [{ priority: 0, type: 'NONE' }],
                    },
                  },
                },
              },
            ],
          },
        },
        action: blockWith('unauthorized'),
        visibilityConfig: visibility(`${prefix}-access-object-requires-nonce`),
      },
      {
        name: 'AwsCommonRuleSet',
        priority: 3,
        // Many consumer apps (scripts, IoT devices, server-side fetches) send no User-Agent: counted, not
        // blocked. The body rules never see GenerateURL's bodies, which are out of this rule group's scope.
        statement: consumerManagedRules('AWSManagedRulesCommonRuleSet', props.consumerPath, ['NoUserAgent_HEADER']),
        overrideAction: { none: {} },
        visibilityConfig: visibility(`${prefix}-aws-common`),
      },
      {
        name: 'AwsKnownBadInputsRuleSet',
        priority: 4,
        statement: consumerManagedRules('AWSManagedRulesKnownBadInputsRuleSet', props.consumerPath),
        overrideAction: { none: {} },
        visibilityConfig: visibility(`${prefix}-aws-known-bad-inputs`),
      },
    );

    this.webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      name: this.webAclName,
      scope: 'REGIONAL',
      description: 'presigned-url-nonce API: allow list, per-IP rate limit, nonce presence, AWS managed rules',
      defaultAction: { allow: {} },
      visibilityConfig: visibility(this.metricNames.webAcl),
      customResponseBodies: Object.fromEntries(
        Object.entries(RESPONSE_BODIES).map(([key, spec]) => [
          key,
          { contentType: 'APPLICATION_JSON', content: JSON.stringify({ error: spec.error, message: spec.message }) },
        ]),
      ),
      rules,
    });

    new wafv2.CfnWebACLAssociation(this, 'StageAssociation', {
      resourceArn: props.stage.stageArn,
      webAclArn: this.webAcl.attrArn,
    });

    // WAF delivers to CloudWatch Logs only into groups whose name starts with "aws-waf-logs-".
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      logGroupName: `aws-waf-logs-${prefix}`,
      retention: props.logRetention,
      removalPolicy,
    });
    const logging = new wafv2.CfnLoggingConfiguration(this, 'Logging', {
      resourceArn: this.webAcl.attrArn,
      // The log group ARN without the trailing ":*" that LogGroup.logGroupArn carries.
      logDestinationConfigs: [
        stack.formatArn({
          service: 'logs',
          resource: 'log-group',
          resourceName: this.logGroup.logGroupName,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      ],
      redactedFields: [
        // The nonce: never in a WAF log.
        { queryString: {} },
        // Producers' SigV4 credentials: not secrets alone, but nothing a log reader needs.
        { singleHeader: { Name: 'authorization' } },
        { singleHeader: { Name: 'x-amz-security-token' } },
      ],
    });
    logging.node.addDependency(this.logGroup);
  }
}
