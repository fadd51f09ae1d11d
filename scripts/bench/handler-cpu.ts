/**
 * What a redemption costs on the Lambda side alone: both designs' authorizer and AccessObject handlers,
 * built as the bench builds them, invoked directly one redemption after another, with a stub in place of
 * DynamoDB's network: each client signs its request as usual, then a middleware answers what DynamoDB
 * would (a live item, an empty delete) instead of sending it. No emulator and no HTTP share the CPU, so
 * this is the handlers' and the SDK's work per redemption. Ours is then profiled with V8's sampling
 * profiler (the one `node --cpu-prof` uses) to show where that work goes.
 */

import { randomBytes } from 'node:crypto';
import { Session } from 'node:inspector/promises';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayAuthorizerResult, APIGatewayProxyResult } from 'aws-lambda';
import { createDynamoDbClient } from '../../lambda/adapters/dynamodb-client.js';
import { DynamoDbNonceStore } from '../../lambda/adapters/dynamodb-nonce-store.js';
import { createS3Client } from '../../lambda/adapters/s3-client.js';
import { presignerFor } from '../../lambda/adapters/s3-presigner.js';
import { makeAccessObjectHandler } from '../../lambda/handlers/access-object.js';
import { makeValidateNonceHandler } from '../../lambda/handlers/validate-nonce.js';
import { createLogger, createNonceMetrics } from '../../lambda/shared/telemetry.js';
import { buildProxyEvent, buildRequestAuthorizerEvent, type GatewayRequest } from '../../local/events.js';
import { makeBaselineHandlers } from './baseline.js';
import type { DesignName } from './designs.js';
import { BENCH_BUCKET, BENCH_TABLES } from './environment.js';
import { type ProfileSummary, summarizeProfile } from './profile.js';
import { answerInsteadOfSending } from './stub-transport.js';

/** As on AWS: the region's real endpoints (never reached), credentials from the environment. */
const REGION = 'us-east-1';

/** Answers each DynamoDB operation with a fixed body instead of sending it. */
const stubbed = (client: DynamoDBClient, answers: Readonly<Record<string, unknown>>): DynamoDBClient =>
  answerInsteadOfSending(client, (_request, operation) => {
    if (!(operation in answers)) throw new Error(`handler-cpu: no stub answer for ${operation}`);
    return answers[operation];
  });

const request = (nonce: string): GatewayRequest => ({
  method: 'GET',
  path: '/access-object',
  resource: '/access-object',
  query: [['nonce', nonce]],
  headers: [],
  sourceIp: '127.0.0.1',
  domainName: '127.0.0.1:3000',
  stage: 'bench',
});

type Redeem = () => Promise<void>;

const allowed = (result: APIGatewayAuthorizerResult) => {
  if (result.policyDocument.Statement[0]?.Effect !== 'Allow') throw new Error('handler-cpu: the authorizer denied');
  return result;
};

const redirected = (result: APIGatewayProxyResult) => {
  if (result.statusCode !== 302) throw new Error(`handler-cpu: AccessObject answered ${result.statusCode}`);
};

/** Ours: the authorizer reads a live single-use item, AccessObject consumes it with one conditional delete. */
const oursRedemption = (): Redeem => {
  const now = Math.floor(Date.now() / 1000);
  const live = {
    Item: {
      pk: { S: randomBytes(32).toString('base64url') },
      key: { S: 'reports/2026/q1.pdf' },
      expiresAt: { N: String(now + 86_400) },
      maxUses: { N: '1' },
      usesLeft: { N: '1' },
      createdAt: { N: String(now) },
      createdBy: { S: 'arn:aws:iam::000000000000:user/bench' },
    },
  };
  const client = stubbed(createDynamoDbClient({ region: REGION }), { GetItem: live, DeleteItem: {} });
  const nonces = new DynamoDbNonceStore(DynamoDBDocumentClient.from(client), BENCH_TABLES.ours);
  const telemetry = { log: createLogger(), metrics: createNonceMetrics() };
  const authorize = makeValidateNonceHandler({ nonces, clock: Date.now, ...telemetry });
  const access = makeAccessObjectHandler({
    nonces,
    objects: presignerFor({ aws: { region: REGION }, bucketName: BENCH_BUCKET }),
    clock: Date.now,
    presignTtlSeconds: 60,
    ...telemetry,
  });
  return async () => {
    const event = request(randomBytes(32).toString('base64url'));
    const decision = allowed(await authorize(buildRequestAuthorizerEvent(event)));
    redirected(await access(buildProxyEvent(event, decision.context ?? null)));
  };
};

/** The original: the authorizer reads the item; AccessObject reads it again, then deletes it. */
const baselineRedemption = (): Redeem => {
  const stored = {
    Item: { pk: { S: 'n' }, url: { S: `https://${BENCH_BUCKET}.s3.amazonaws.com/k?X-Amz-Signature=x` } },
  };
  const handlers = makeBaselineHandlers({
    dynamoDb: stubbed(createDynamoDbClient({ region: REGION }), { GetItem: stored, DeleteItem: {} }),
    s3: createS3Client({ region: REGION }),
    tableName: BENCH_TABLES.baseline,
    bucketName: BENCH_BUCKET,
  });
  return async () => {
    const event = request(randomBytes(16).toString('hex'));
    allowed(await handlers.authorize(buildRequestAuthorizerEvent(event)));
    redirected(await handlers.access(buildProxyEvent(event, null)));
  };
};

const cpuMsOf = async (redeem: Redeem, count: number): Promise<number> => {
  const before = process.cpuUsage();
  for (let index = 0; index < count; index++) await redeem();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000;
};

export interface HandlerCpu {
  /** CPU microseconds per redemption, both functions, the network stubbed. */
  readonly usPerRedemption: Record<DesignName, number>;
  readonly profile: ProfileSummary;
}

const SAMPLING_INTERVAL_US = 50;

/**
 * `rounds` rounds of `perRound` redemptions per design, alternating which goes first (after five rounds'
 * worth each to warm up), then `profiled` redemptions of ours under the profiler.
 */
export const measureHandlerCpu = async (options: {
  readonly rounds: number;
  readonly perRound: number;
  readonly profiled: number;
}): Promise<HandlerCpu> => {
  const designs: Record<DesignName, Redeem> = { ours: oursRedemption(), baseline: baselineRedemption() };
  const names: DesignName[] = ['ours', 'baseline'];
  // The JIT needs a few thousand calls before either design runs at its steady cost.
  for (const name of names) await cpuMsOf(designs[name], options.perRound * 5);
  const totalMs: Record<DesignName, number> = { ours: 0, baseline: 0 };
  for (let round = 0; round < options.rounds; round++) {
    for (const name of round % 2 === 0 ? names : [...names].reverse()) {
      totalMs[name] += await cpuMsOf(designs[name], options.perRound);
    }
  }
  const redemptions = options.rounds * options.perRound;
  const session = new Session();
  session.connect();
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: SAMPLING_INTERVAL_US });
    await session.post('Profiler.start');
    for (let index = 0; index < options.profiled; index++) await designs.ours();
    const { profile } = await session.post('Profiler.stop');
    return {
      usPerRedemption: {
        ours: (totalMs.ours * 1000) / redemptions,
        baseline: (totalMs.baseline * 1000) / redemptions,
      },
      profile: summarizeProfile(profile, {
        redemptions: options.profiled,
        samplingIntervalUs: SAMPLING_INTERVAL_US,
        top: 15,
      }),
    };
  } finally {
    await session.post('Profiler.disable').catch(() => undefined);
    session.disconnect();
  }
};
