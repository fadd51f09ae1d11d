/**
 * Alarms, the topic they notify, a dashboard and a Logs Insights query for one nonce's history.
 *
 * The alarm topic is encrypted with a customer managed key: CloudWatch cannot publish to a topic encrypted
 * with the AWS managed `aws/sns` key, because that key's policy cannot grant CloudWatch anything.
 */
import { Aws, Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { type NonceFunction, POWERTOOLS_METRICS_NAMESPACE, POWERTOOLS_SERVICE_NAME } from './functions.js';

/**
 * The denial reasons that mean "someone presents nonces that never existed": a spike is guessing, not
 * ordinary expiry or reuse. They are values of DenialReason in lambda/core/rules.ts (a test checks).
 */
export const GUESSING_DENIAL_REASONS = ['malformed', 'unknown'] as const;

const PERIOD = Duration.minutes(5);

/** A placeholder the Logs Insights query asks the operator to replace. */
export const NONCE_ID_PLACEHOLDER = 'PASTE-NONCE-ID-HERE';

export interface MonitoringProps {
  readonly stage: apigateway.Stage;
  readonly table: dynamodb.ITable;
  /** Each function with a short name for alarm ids. */
  readonly functions: Readonly<Record<string, NonceFunction>>;
  /** The API access logs, searched together with the function logs by the nonce-history query. */
  readonly accessLogGroup: logs.ILogGroup;
  readonly webAclName: string;
  readonly webAclMetricName: string;
  /** Guessing denials per 5 minutes that raise the alarm. */
  readonly denialAlarmThreshold: number;
  /** @default - no subscription */
  readonly alarmEmail?: string;
  /** Notify this topic instead of one of our own (then no topic, key or subscription is created). @default - a new topic */
  readonly topic?: sns.ITopic;
  /** Prefix of the names it gives (the topic's display name, the key's description, the saved query). */
  readonly namePrefix: string;
  /** @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
}

export class Monitoring extends Construct {
  public readonly topic: sns.ITopic;
  public readonly alarms: cloudwatch.Alarm[] = [];
  public readonly dashboard: cloudwatch.Dashboard;
  public readonly nonceHistoryQuery: logs.QueryDefinition;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const prefix = props.namePrefix;
    this.topic = props.topic ?? this.alarmTopic(prefix, props);

    const denied = (reason: string) =>
      new cloudwatch.Metric({
        namespace: POWERTOOLS_METRICS_NAMESPACE,
        metricName: 'NonceDenied',
        dimensionsMap: { service: POWERTOOLS_SERVICE_NAME, reason },
        statistic: cloudwatch.Stats.SUM,
        period: PERIOD,
      });
    const guessing = new cloudwatch.MathExpression({
      label: 'Denials of malformed or unknown nonces',
      expression: GUESSING_DENIAL_REASONS.map((_, index) => `FILL(m${index}, 0)`).join(' + '),
      usingMetrics: Object.fromEntries(GUESSING_DENIAL_REASONS.map((reason, index) => [`m${index}`, denied(reason)])),
      period: PERIOD,
    });
    this.alarm('NonceGuessing', guessing, {
      threshold: props.denialAlarmThreshold,
      description:
        'Many nonces that were malformed or never issued were presented: someone may be guessing. Check the WAF and access logs by source IP.',
    });

    this.alarm('Api5xx', props.stage.metricServerError({ period: PERIOD, statistic: cloudwatch.Stats.SUM }), {
      threshold: 1,
      description:
        'The API answered 5xx (503 while DynamoDB is unavailable, 502/504 for function failures). No client input should cause one.',
    });

    for (const [name, target] of Object.entries(props.functions)) {
      this.alarm(`${name}Errors`, target.function.metricErrors({ period: PERIOD, statistic: cloudwatch.Stats.SUM }), {
        threshold: 1,
        description: `${name} failed (an uncaught error or a timeout); handled errors do not count.`,
      });
      this.alarm(
        `${name}Throttles`,
        target.function.metricThrottles({ period: PERIOD, statistic: cloudwatch.Stats.SUM }),
        { threshold: 1, description: `${name} was throttled: raise its concurrency or look for a flood.` },
      );
    }

    const tableThrottles = props.table.metricThrottledRequestsForOperations({
      operations: [
        dynamodb.Operation.GET_ITEM,
        dynamodb.Operation.PUT_ITEM,
        dynamodb.Operation.UPDATE_ITEM,
        dynamodb.Operation.DELETE_ITEM,
      ],
      period: PERIOD,
    });
    this.alarm('DynamoDbThrottles', tableThrottles, {
      threshold: 1,
      description: 'The nonce table throttled requests: clients got 503 service_unavailable and should retry.',
    });

    const wafMetric = (metricName: string, rule: string) =>
      new cloudwatch.Metric({
        namespace: 'AWS/WAFV2',
        metricName,
        dimensionsMap: { WebACL: props.webAclName, Region: Aws.REGION, Rule: rule },
        statistic: cloudwatch.Stats.SUM,
        period: PERIOD,
      });
    const sum = { period: PERIOD, statistic: cloudwatch.Stats.SUM };
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      defaultInterval: Duration.hours(6),
      widgets: [
        [
          new cloudwatch.GraphWidget({
            title: 'Nonces',
            left: ['NonceIssued', 'NonceRedeemed'].map(
              (metricName) =>
                new cloudwatch.Metric({
                  namespace: POWERTOOLS_METRICS_NAMESPACE,
                  metricName,
                  dimensionsMap: { service: POWERTOOLS_SERVICE_NAME },
                  ...sum,
                }),
            ),
            right: [guessing],
            width: 12,
          }),
          new cloudwatch.GraphWidget({
            title: 'API responses',
            left: [
              props.stage.metricCount(sum),
              props.stage.metricClientError(sum),
              props.stage.metricServerError(sum),
            ],
            right: [props.stage.metricLatency({ period: PERIOD, statistic: cloudwatch.Stats.p(99) })],
            width: 12,
          }),
        ],
        [
          new cloudwatch.GraphWidget({
            title: 'Function errors and throttles',
            left: Object.values(props.functions).flatMap((target) => [
              target.function.metricErrors(sum),
              target.function.metricThrottles(sum),
            ]),
            width: 12,
          }),
          new cloudwatch.GraphWidget({
            title: 'WAF and DynamoDB',
            left: [
              wafMetric('BlockedRequests', 'ALL'),
              wafMetric('BlockedRequests', props.webAclMetricName),
              wafMetric('AllowedRequests', 'ALL'),
            ],
            right: [tableThrottles],
            width: 12,
          }),
        ],
        [new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24 })],
      ],
    });

    // Everything logged about one nonce, by its nonceId (the SHA-256 the 201 answer returns): the
    // functions log it, and the access log records it from the authorizer context.
    this.nonceHistoryQuery = new logs.QueryDefinition(this, 'NonceHistory', {
      queryDefinitionName: `${prefix}/nonce-history`,
      queryString: new logs.QueryString({
        fields: ['@timestamp', '@log', 'level', 'message', 'reason', 'usesLeft', 'httpMethod', 'status', 'sourceIp'],
        filterStatements: [`nonceId = "${NONCE_ID_PLACEHOLDER}"`],
        sort: '@timestamp asc',
        limit: 1000,
      }),
      logGroups: [props.accessLogGroup, ...Object.values(props.functions).map((target) => target.logGroup)],
    });
  }

  /** The alarm topic, encrypted with a key of its own that CloudWatch may use. */
  private alarmTopic(prefix: string, props: MonitoringProps): sns.Topic {
    const key = new kms.Key(this, 'AlarmTopicKey', {
      description: `${prefix}: encrypts the alarm topic`,
      enableKeyRotation: true,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    // What CloudWatch needs to publish to a topic encrypted with this key (in a key policy "*" is this key).
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarmsToUseTheKey',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: ['*'],
      }),
    );
    const topic = new sns.Topic(this, 'AlarmTopic', {
      displayName: `${prefix} alarms`,
      masterKey: key,
      enforceSSL: true,
    });
    // enforceSSL gives the topic a policy of its own, which replaces SNS's default one: say explicitly that
    // CloudWatch may publish, and only for this account's alarms.
    topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowThisAccountsAlarmsToPublish',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [topic.topicArn],
        conditions: {
          ArnLike: { 'aws:SourceArn': `arn:${Aws.PARTITION}:cloudwatch:${Aws.REGION}:${Aws.ACCOUNT_ID}:alarm:*` },
          StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
        },
      }),
    );
    if (props.alarmEmail !== undefined) {
      topic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
    }
    return topic;
  }

  private alarm(
    id: string,
    metric: cloudwatch.IMetric,
    options: { readonly threshold: number; readonly description: string },
  ): void {
    const alarm = new cloudwatch.Alarm(this, id, {
      alarmDescription: options.description,
      metric,
      threshold: options.threshold,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(new actions.SnsAction(this.topic));
    this.alarms.push(alarm);
  }
}
