import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { uploadKeyPrefixProblem } from '../../lambda/core/upload-rules.js';
import { createApp } from '../../lib/app.js';
import { CONTEXT_DEFAULTS, type ContextKey, readSettings } from '../../lib/context.js';
import { checkContextOptions, UnknownContextOptionError } from '../../lib/context-options.js';
import { checkCidr } from '../../lib/options.js';
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
      allowedVpcEndpoints: [],
      throttlingRateLimit: 50,
      throttlingBurstLimit: 100,
      consumerThrottlingRateLimit: 50,
      consumerThrottlingBurstLimit: 100,
      requireMfa: false,
      presignTtlSeconds: 60,
      maxExpiresInSeconds: 604_800,
      maxUsesLimit: 100,
      logRetentionDays: 90,
      apiLogLevel: 'OFF',
      stageName: 'prod',
      denialAlarmThreshold: 50,
      apiGatewayCloudWatchRole: true,
      producerKeyPrefixes: {},
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
      apiLogLevel: 'ERROR',
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
      apiLogLevel: 'ERROR',
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
    ['apiLogLevel', 'DEBUG', /apiLogLevel.*OFF, ERROR/],
    ['denialAlarmThreshold', -1, /denialAlarmThreshold/],
  ] as const)('refuses %s = %j', (key, value, message) => {
    expect(() => settingsWith({ [key]: value })).toThrow(message);
  });

  it('accepts IPv6 blocks and refuses an IPv6 /0', () => {
    expect(checkCidr('2001:db8::/32')).toBeUndefined();
    expect(checkCidr('::/0')).toMatch(/\/1 to \/128/);
  });

  it.each(['2001:db8::1/32', '2001:db8:0:1::/48', 'fe80::1/127', '::ffff:192.0.2.1/96', '2001:db8::8000/112'])(
    'refuses the IPv6 block %s: host bits set, which WAF refuses at deploy',
    (cidr) => {
      expect(checkCidr(cidr)).toMatch(/host bits set/);
    },
  );

  it.each(['2001:db8::/32', '2001:db8:0:1::/64', '::1/128', '::ffff:192.0.2.0/120', '2001:db8::8000/113', 'fe80::/10'])(
    'accepts the IPv6 block %s',
    (cidr) => {
      expect(checkCidr(cidr)).toBeUndefined();
    },
  );

  it('refuses a stack name that would push a name derived from it past its limit, naming which', () => {
    expect(settingsWith({ stackName: `S${'a'.repeat(92)}` }).stackName).toHaveLength(93);
    expect(() => settingsWith({ stackName: `S${'a'.repeat(93)}` })).toThrow(
      /stackName.*at most 93 characters, got 94: the alarm topic's display name "<stackName> alarms" .*100/,
    );
    expect(() => settingsWith({ stackName: `S${'a'.repeat(124)}` })).toThrow(
      /stackName.*got 125: the web ACL's name "<stackName>-api" .*128/,
    );
  });
});

describe('uploadKeyPrefix: the rule the functions apply to UPLOAD_KEY_PREFIX', () => {
  // lib/ may not import lambda/, so lib/options.ts restates lambda/core/upload-rules.ts: held equal here.
  const prefixes = [
    'incoming/',
    'a/b/c/',
    'inbox/2026 q1/',
    'incoming',
    'in*/',
    'in?/',
    'in$x/',
    'a/../',
    './',
    'a/./b/',
    'in\u0007/',
    `${'x'.repeat(1022)}/`,
    `${'x'.repeat(1023)}/`,
  ];

  it.each(prefixes)('accepts %j exactly when the functions do', (prefix) => {
    const runtimeAccepts = uploadKeyPrefixProblem(prefix) === undefined;
    if (runtimeAccepts) {
      expect(settingsWith({ uploadKeyPrefix: prefix }).uploadKeyPrefix).toBe(prefix);
    } else {
      expect(() => settingsWith({ uploadKeyPrefix: prefix })).toThrow(/Invalid CDK context value "uploadKeyPrefix"/);
    }
  });
});

describe('unknown context options', () => {
  const withDefaults = (extra: Record<string, unknown>) => ({ ...CDK_JSON.context, ...extra });

  it('lets every option, feature flag and CDK-internal key through', () => {
    expect(() =>
      checkContextOptions(
        withDefaults({
          '@aws-cdk/aws-lambda:recognizeLayerVersion': true,
          '@aws-cdk-containers/ecs-service-extensions:enableDefaultLogDriver': true,
          'aws:cdk:enable-path-metadata': true,
          'aws:cdk:bundling-stacks': ['**'],
          'aws-cdk:enableDiffNoFail': 'true',
          'cli-telemetry': false,
          'acknowledged-issue-numbers': [32775],
          'availability-zones:account=111122223333:region=eu-west-1': ['eu-west-1a'],
        }),
      ),
    ).not.toThrow();
  });

  it.each([
    ['presignTTLSeconds', /did you mean "presignTtlSeconds"\?/],
    ['allowedCidr', /did you mean "allowedCidrs"\?/],
    ['stackname', /did you mean "stackName"\?/],
    ['ratelimit', /did you mean "rateLimitPer5Min"\?/],
  ])('refuses %s with a did-you-mean', (key, suggestion) => {
    expect(() => checkContextOptions(withDefaults({ [key]: '1' }))).toThrow(suggestion);
  });

  it('refuses a key like nothing it knows in one sentence that lists the known options', () => {
    const check = () => checkContextOptions(withDefaults({ bogusOption: '1' }));
    expect(check).toThrow(UnknownContextOptionError);
    expect(check).toThrow(
      `Unknown CDK context option "bogusOption": its value would be ignored and the default deployed; the options are ${Object.keys(CONTEXT_DEFAULTS).join(', ')}.`,
    );
  });

  it('stops createApp, before any stack is built', () => {
    expect(() => createApp({ context: withDefaults({ bogusOption: '1' }) })).toThrow(/Unknown CDK context option/);
  });
});

describe('the longest stack name accepted', () => {
  const stackName = `S${'a'.repeat(92)}`;
  const template = Template.fromStack(new PresignedUrlNonceStack(testApp({ stackName }), stackName)).toJSON() as {
    Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
  };
  const resources = (type: string) =>
    Object.values(template.Resources)
      .filter((resource) => resource.Type === type)
      .map((resource) => resource.Properties ?? {});

  it('keeps every name derived from it within the limit AWS sets for it', () => {
    const [webAcl] = resources('AWS::WAFv2::WebACL');
    expect(webAcl?.Name).toBe(`${stackName}-api`);
    // AWS::WAFv2::WebACL Name: 1 to 128 of [\w-]; VisibilityConfig MetricName: 1 to 255 of [\w#:.\-/].
    expect(String(webAcl?.Name)).toMatch(/^[\w-]{1,128}$/);
    const metricNames = JSON.stringify(webAcl).match(/"MetricName":"[^"]*"/g) ?? [];
    expect(metricNames.length).toBeGreaterThan(3);
    for (const name of metricNames) expect(name.slice(14, -1)).toMatch(/^[\w#:.\-/]{1,255}$/);
    // AWS::SNS::Topic DisplayName: at most 100 characters.
    for (const topic of resources('AWS::SNS::Topic')) expect(String(topic.DisplayName).length).toBeLessThanOrEqual(100);
    // CloudWatch Logs group names: at most 512; Logs Insights query names: at most 255.
    for (const group of resources('AWS::Logs::LogGroup')) {
      if (typeof group.LogGroupName === 'string') expect(group.LogGroupName.length).toBeLessThanOrEqual(512);
    }
    for (const query of resources('AWS::Logs::QueryDefinition'))
      expect(String(query.Name).length).toBeLessThanOrEqual(255);
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

/** bin/app.ts as `cdk synth` runs it: the CLI hands it cdk.json's context and `-c` in CDK_CONTEXT_JSON. */
const runApp = (context: Record<string, unknown>): Promise<{ code: number | null; stderr: string }> =>
  new Promise((resolve) => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      CDK_CONTEXT_JSON: JSON.stringify({ ...CDK_JSON.context, ...context }),
    };
    delete env.CDK_OUTDIR;
    const child = spawn(process.execPath, ['--import', 'tsx', 'bin/app.ts'], {
      cwd: fileURLToPath(new URL('../..', import.meta.url)),
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    child.on('exit', (code) => resolve({ code, stderr }));
  });

describe('cdk synth with a bad or unknown option: one sentence on stderr, no stack trace', () => {
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ bogusOption: '1' }, /^error: Unknown CDK context option "bogusOption": .*; the options are stackName, .*\.$/],
    [{ presignTtlSeconds: '0' }, /^error: Invalid CDK context value "presignTtlSeconds": .* got 0\.$/],
  ];
  it.concurrent.for(cases)('%j', async ([context, message], { expect }) => {
    const { code, stderr } = await runApp(context);

    expect(code).toBe(1);
    expect(stderr.trim().split('\n')).toEqual([expect.stringMatching(message)]);
  });
});
