import { describe, expect, it } from 'vitest';
import { type CpuProfile, componentOf, summarizeProfile } from '../../../scripts/bench/profile.js';

const frame = (functionName: string, url: string) => ({ functionName, url, lineNumber: 9 });

/** root → handler → presign (leaf) and root → (idle); plus a client constructor under the handler. */
const profile: CpuProfile = {
  nodes: [
    { id: 1, callFrame: frame('(root)', ''), children: [2, 4, 6] },
    { id: 2, callFrame: frame('handler', 'file:///repo/lambda/handlers/access-object.ts'), children: [3, 5] },
    { id: 3, callFrame: frame('presign', 'file:///repo/node_modules/@smithy/signature-v4/dist-es/x.js') },
    { id: 4, callFrame: frame('(idle)', '') },
    { id: 5, callFrame: frame('S3Client', 'file:///repo/node_modules/@aws-sdk/client-s3/dist-es/S3Client.js') },
    { id: 6, callFrame: frame('(garbage collector)', '') },
  ],
  // Each sample lasts until the next one: 3, 3, 4, 2 then the last one an interval (100).
  samples: [3, 3, 2, 4, 6],
  timeDeltas: [0, 300, 300, 400, 200],
};

describe('bench CPU profile summary', () => {
  const summary = summarizeProfile(profile, { redemptions: 2, samplingIntervalUs: 100, top: 2 });

  it('adds self time per frame from the time deltas, leaves idle out, and divides by the redemptions', () => {
    // presign 300 + 300, handler 400, garbage collector 100; idle 200 is left out.
    expect(summary.busyUsPerRedemption).toBe((600 + 400 + 100) / 2);
    expect(summary.topFrames.map((entry) => entry.frame)).toEqual([
      'presign @smithy/signature-v4/dist-es/x.js:10',
      'handler lambda/handlers/access-object.ts:10',
    ]);
    expect(summary.topFrames[0]).toMatchObject({ component: 'AWS SDK', selfUsPerRedemption: 300 });
    expect(summary.components).toContainEqual({ component: 'garbage collection', share: 100 / 1100 });
  });

  it('reports what was built per request only when it was on a sampled stack', () => {
    expect(summary.builtPerRequest).toEqual([]);
    const withClient = summarizeProfile(
      { ...profile, samples: [5, 3], timeDeltas: [0, 100] },
      { redemptions: 1, samplingIntervalUs: 100, top: 5 },
    );
    expect(withClient.builtPerRequest).toEqual(['S3Client']);
  });

  it('names the components by where their code lives', () => {
    expect(componentOf('f', 'file:///r/node_modules/dynalite/db/index.js')).toBe(
      'DynamoDB emulator (dynalite) and other packages',
    );
    expect(componentOf('f', 'file:///r/node_modules/s3rver/lib/s3rver.js')).toBe('S3 emulator (s3rver)');
    expect(componentOf('f', 'node:internal/deps/undici/undici')).toBe('Node.js (HTTP, fetch, streams, crypto)');
    expect(componentOf('f', 'file:///r/local/gateway.ts')).toBe('API Gateway emulator (local/)');
  });
});
