/**
 * Summarizes a V8 CPU profile (what `node --cpu-prof` writes, or the inspector's Profiler returns): self
 * time per frame and per component, and whether anything the handler modules should build once was on a
 * sampled stack. handler-cpu.ts profiles redemptions with it.
 */

/** The parts of a V8 CPU profile (Profiler.Profile) the summary reads. */
export interface CpuProfile {
  readonly nodes: ReadonlyArray<{
    readonly id: number;
    readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
    readonly children?: readonly number[];
  }>;
  readonly samples?: readonly number[];
  readonly timeDeltas?: readonly number[];
}

export interface ProfileFrame {
  readonly frame: string;
  readonly component: string;
  /** Self time per redemption, in microseconds. */
  readonly selfUsPerRedemption: number;
  /** Share of the busy (non-idle) samples. */
  readonly share: number;
}

export interface ProfileSummary {
  readonly redemptions: number;
  readonly samplingIntervalUs: number;
  /** CPU time per redemption seen by the profiler (idle excluded), in microseconds. */
  readonly busyUsPerRedemption: number;
  readonly topFrames: readonly ProfileFrame[];
  readonly components: ReadonlyArray<{ readonly component: string; readonly share: number }>;
  /**
   * Functions that build what a module should build once (clients, signers, credential providers,
   * loggers, metrics, configuration) found on any sampled stack: none, when nothing is built per request.
   */
  readonly builtPerRequest: readonly string[];
}

/**
 * What the handler modules build once, at load; their constructors must not run per request. (Not the
 * SDK's own per-request objects: its clients make a SignatureV4 for every request they sign.)
 */
export const BUILT_ONCE = new Set([
  'DynamoDBClient',
  'DynamoDBDocumentClient',
  'S3Client',
  'S3RequestPresigner',
  'SignatureV4MultiRegion',
  'Logger',
  'Metrics',
  'createDynamoDbClient',
  'createDocumentClient',
  'createS3Client',
  'nonceStoreFor',
  'presignerFor',
  'objectCheckerFor',
  'bucketAddress',
  'createLogger',
  'createNonceMetrics',
  'loadAccessObjectConfig',
  'loadTableConfig',
  'loadGenerateUrlConfig',
]);

/** Names in BUILT_ONCE that appear on the stack of at least one sample. */
const builtOnceOnStacks = (profile: CpuProfile, sampled: ReadonlySet<number>): string[] => {
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const byId = new Map(profile.nodes.map((node) => [node.id, node.callFrame.functionName]));
  const found = new Set<string>();
  for (const leaf of sampled) {
    for (let id: number | undefined = leaf; id !== undefined; id = parent.get(id)) {
      const name = byId.get(id);
      if (name !== undefined && BUILT_ONCE.has(name)) found.add(name);
    }
  }
  return [...found].sort();
};

const COMPONENTS: ReadonlyArray<[RegExp, string]> = [
  [/\/lambda\//, 'our handlers, domain and adapters (lambda/)'],
  [/node_modules\/(@aws-sdk|@smithy)\//, 'AWS SDK'],
  [/node_modules\/@aws-lambda-powertools\//, 'Powertools logger and metrics'],
  [/\/local\//, 'API Gateway emulator (local/)'],
  [/\/scripts\/bench\//, "the bench's client"],
  [/node_modules\/s3rver\//, 'S3 emulator (s3rver)'],
  [/node_modules\//, 'DynamoDB emulator (dynalite) and other packages'],
  [/^node:|^internal\//, 'Node.js (HTTP, fetch, streams, crypto)'],
];

/** The component a frame belongs to, from its script URL (V8's own pseudo-frames by name). */
export const componentOf = (functionName: string, url: string): string => {
  if (url === '') {
    if (functionName === '(garbage collector)') return 'garbage collection';
    if (functionName === '(idle)') return 'idle';
    return 'V8 and Node.js natives';
  }
  for (const [pattern, component] of COMPONENTS) if (pattern.test(url)) return component;
  return 'other';
};

/** A frame's name for the report: function, then the file from its package or project folder on. */
const frameName = (functionName: string, url: string, lineNumber: number): string => {
  const name = functionName === '' ? '(anonymous)' : functionName;
  if (url === '') return name;
  const path = url.replace(/^file:\/\//, '');
  const packaged = /.*node_modules\/(.*)$/.exec(path)?.[1];
  const own = /\/((?:lambda|local|scripts|lib)\/.*)$/.exec(path)?.[1];
  return `${name} ${packaged ?? own ?? path}:${lineNumber + 1}`;
};

/** Self time per frame and per component, from a profile's samples and their time deltas. */
export const summarizeProfile = (
  profile: CpuProfile,
  options: { readonly redemptions: number; readonly samplingIntervalUs: number; readonly top: number },
): ProfileSummary => {
  const byId = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
  const selfUs = new Map<string, { component: string; us: number }>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  let busyUs = 0;
  for (const [index, id] of samples.entries()) {
    const frame = byId.get(id);
    if (frame === undefined) continue;
    // A sample's time is the delta to the next sample (the last one's is unknown: one interval).
    const us = Math.max(0, deltas[index + 1] ?? options.samplingIntervalUs);
    const component = componentOf(frame.functionName, frame.url);
    if (component === 'idle') continue;
    busyUs += us;
    const key = frameName(frame.functionName, frame.url, frame.lineNumber);
    const entry = selfUs.get(key) ?? { component, us: 0 };
    entry.us += us;
    selfUs.set(key, entry);
  }
  const perRedemption = (us: number) => us / Math.max(1, options.redemptions);
  const share = (us: number) => (busyUs === 0 ? 0 : us / busyUs);
  const components = new Map<string, number>();
  for (const { component, us } of selfUs.values()) components.set(component, (components.get(component) ?? 0) + us);
  return {
    redemptions: options.redemptions,
    samplingIntervalUs: options.samplingIntervalUs,
    busyUsPerRedemption: perRedemption(busyUs),
    topFrames: [...selfUs.entries()]
      .sort((a, b) => b[1].us - a[1].us)
      .slice(0, options.top)
      .map(([frame, { component, us }]) => ({
        frame,
        component,
        selfUsPerRedemption: perRedemption(us),
        share: share(us),
      })),
    components: [...components.entries()]
      .sort((a, b) => b[1] - a[1])
      .map(([component, us]) => ({ component, share: share(us) })),
    builtPerRequest: builtOnceOnStacks(profile, new Set(samples)),
  };
};
