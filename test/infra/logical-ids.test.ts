/**
 * The stack's resources keep their logical ids, types and policies across refactorings of lib/: a changed
 * logical id makes CloudFormation replace the resource on the next deploy (the nonce table with its data,
 * the bucket reference, every function and the API). The fixture was generated from the commit before the
 * construct PresignedUrlNonce took over the stack's resources; it holds ids, types, output names and policy
 * documents only (test/infra/template-summary.ts), never the whole template.
 *
 * One id does change under `cdk synth`, and only there: the CLI turns on path metadata, and CDK then hashes
 * the RestApi's `aws:cdk:path` into the API Deployment's logical id, so the move under the construct gives
 * the Deployment a new one. CDK gives it a new id on every change to the API by design: CloudFormation
 * creates the new deployment, points the stage (whose id stays) at it and deletes the old one. These
 * syntheses run without path metadata, where even that id is unchanged.
 *
 * To change it on purpose (a resource really added, removed or renamed, and the upgrade path thought
 * through), regenerate it and review the diff:
 *   UPDATE_TEMPLATE_FIXTURE=1 npx vitest run --project infra test/infra/logical-ids.test.ts
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EVERY_OPTION_CONTEXT, EXISTING_BUCKET_CONTEXT, synth } from './support.js';
import { formatSummaries, summarizeTemplate, type TemplateSummary } from './template-summary.js';

const FIXTURE = new URL('./fixtures/template-summary.json', import.meta.url);

const CASES = {
  'the default context': {},
  'every option set': EVERY_OPTION_CONTEXT,
  'an existing bucket': EXISTING_BUCKET_CONTEXT,
  'uploads on, every option set': { ...EVERY_OPTION_CONTEXT, uploadKeyPrefix: 'incoming/' },
} as const satisfies Record<string, Readonly<Record<string, unknown>>>;

type CaseName = keyof typeof CASES;
const NAMES = Object.keys(CASES) as CaseName[];

const summaries = Object.fromEntries(
  NAMES.map((name) => [
    name,
    summarizeTemplate(synth(CASES[name]).template.toJSON() as Parameters<typeof summarizeTemplate>[0]),
  ]),
) as Record<CaseName, TemplateSummary>;

if (process.env.UPDATE_TEMPLATE_FIXTURE === '1') {
  mkdirSync(new URL('.', FIXTURE), { recursive: true });
  writeFileSync(FIXTURE, formatSummaries(summaries));
}
const expected = JSON.parse(readFileSync(FIXTURE, 'utf8')) as Record<CaseName, TemplateSummary>;

describe.each(NAMES)('the template with %s', (name) => {
  it('keeps every logical id with its type, and the outputs', () => {
    expect(summaries[name].resources).toEqual(expected[name].resources);
    expect(summaries[name].outputs).toEqual(expected[name].outputs);
  });

  it('keeps every policy document: roles, inline and managed policies, resource policies', () => {
    expect(summaries[name].policies).toEqual(expected[name].policies);
  });
});
