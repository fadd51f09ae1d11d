import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { toJSONSchema } from 'zod/v4/core';
import { API_ERROR_CODES } from '../../../client/index.js';
import {
  DEFAULT_EXPIRES_IN_SECONDS,
  DEFAULT_MAX_USES,
  generateUrlRequestSchema,
  MAX_DISPOSITION_LENGTH,
  MAX_KEY_BYTES,
} from '../../../lambda/handlers/generate-url-request.js';
import { loadGenerateUrlConfig } from '../../../lambda/shared/config.js';
import { GATEWAY_RESPONSES } from '../../../lib/gateway-responses.js';
import { ROUTES } from '../../../local/routes.js';
import {
  loadOpenApi,
  OPENAPI_PATH,
  type OpenApiDocument,
  operationsOf,
  REPO_ROOT,
  redocly,
  type SchemaObject,
} from '../../support/openapi.js';

/** Follows a local `#/components/...` reference. */
const resolve = <T>(document: OpenApiDocument, value: T | { $ref: string }): T => {
  if (typeof value !== 'object' || value === null || !('$ref' in value)) return value as T;
  const target = value.$ref
    .replace(/^#\//, '')
    .split('/')
    .reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], document);
  return resolve(document, target as T);
};

interface Operation {
  readonly security?: ReadonlyArray<Record<string, unknown>>;
  readonly responses: Record<string, { $ref: string } | Response>;
}
interface Response {
  readonly headers?: Record<string, { $ref: string } | { required?: boolean; schema?: SchemaObject }>;
  readonly content?: Record<string, { schema?: SchemaObject }>;
}

const operation = (document: OpenApiDocument, method: string, path: string): Operation =>
  document.paths[path]?.[method] as Operation;

/**
 * The codes the server can answer with, read from where they are defined: the DomainError classes
 * (`readonly code = '…'`), the handlers' last-resort 500 in http.ts, and API Gateway's own answers.
 */
const serverErrorCodes = async (): Promise<string[]> => {
  const errors = await readFile(join(REPO_ROOT, 'lambda/core/errors.ts'), 'utf8');
  const http = await readFile(join(REPO_ROOT, 'lambda/shared/http.ts'), 'utf8');
  const domain = [...errors.matchAll(/readonly code = '(\w+)'/g)].map((match) => match[1] ?? '');
  const handlers = [...http.matchAll(/errorJson\(\s*\d+,\s*'(\w+)'/g)].map((match) => match[1] ?? '');
  const gateway = Object.values(GATEWAY_RESPONSES).map((spec) => spec.error);
  expect(domain.length).toBeGreaterThan(5);
  expect(handlers).toContain('internal_error');
  return [...new Set([...domain, ...handlers, ...gateway])].sort();
};

let document: OpenApiDocument;

beforeAll(async () => {
  document = await loadOpenApi();
});

describe('docs/openapi.yaml', () => {
  it('passes redocly lint (recommended-strict, see redocly.yaml) with no error and no warning', async () => {
    const run = await redocly(['lint', OPENAPI_PATH, '--format', 'json']);

    const report = JSON.parse(run.stdout) as { totals: { errors: number; warnings: number }; problems: unknown[] };
    expect(report.problems).toEqual([]);
    expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
    expect(run.code).toBe(0);
  });

  it('is linted for real: a description without responses fails', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'openapi-'));
    const broken = join(folder, 'openapi.yaml');
    const text = await readFile(join(REPO_ROOT, OPENAPI_PATH), 'utf8');
    // Drops the first operation's responses: a required field in OpenAPI.
    const mangled = text.replace(/\n {6}responses:\n {8}'201':/, "\n      x-no-responses:\n        '201':");
    expect(mangled).not.toBe(text);
    await writeFile(broken, mangled);

    const run = await redocly(['lint', broken, '--format', 'json']).finally(() =>
      rm(folder, { recursive: true, force: true }),
    );

    expect(run.code).not.toBe(0);
    expect((JSON.parse(run.stdout) as { totals: { errors: number } }).totals.errors).toBeGreaterThan(0);
  });

  it('is OpenAPI 3.1 and describes exactly the routes local mode serves', () => {
    expect(document.openapi).toMatch(/^3\.1\./);
    const operations = operationsOf(document).sort();
    expect(operations).toEqual(
      [
        'POST /generate-url',
        'GET /access-object',
        'POST /access-object',
        'GET /nonces/{nonceId}',
        'DELETE /nonces/{nonceId}',
      ].sort(),
    );
    // local/routes.ts is the route table local mode serves, written to match the stack's.
    expect(ROUTES.map((route) => `${route.method} ${route.resource}`).sort()).toEqual(operations);
  });

  it('names SigV4 for the producer routes and the nonce query parameter for the consumer route', () => {
    expect(document.components.securitySchemes.sigv4).toMatchObject({
      type: 'apiKey',
      in: 'header',
      name: 'Authorization',
      'x-amazon-apigateway-authtype': 'awsSigv4',
    });
    expect(document.components.securitySchemes.nonce).toMatchObject({ type: 'apiKey', in: 'query', name: 'nonce' });
    for (const [method, path] of [
      ['post', '/generate-url'],
      ['get', '/nonces/{nonceId}'],
      ['delete', '/nonces/{nonceId}'],
    ] as const) {
      expect(operation(document, method, path).security).toEqual([{ sigv4: [] }]);
    }
    expect(operation(document, 'get', '/access-object').security).toEqual([{ nonce: [] }]);
    expect(operation(document, 'post', '/access-object').security).toEqual([{ nonce: [] }]);
  });

  it('gives every error answer the Error schema, and every 503 a required Retry-After', () => {
    for (const [method, path] of operationsOf(document).map((name) => name.split(' ') as [string, string])) {
      const responses = operation(document, method.toLowerCase(), path).responses;
      for (const [status, value] of Object.entries(responses)) {
        if (Number(status) < 400) continue;
        const response = resolve(document, value);
        expect(response.content?.['application/json']?.schema, `${method} ${path} ${status}`).toEqual({
          $ref: '#/components/schemas/Error',
        });
        if (status === '503') {
          const header = resolve(document, response.headers?.['Retry-After'] ?? { $ref: '#/missing' });
          expect(header, `${method} ${path} 503 Retry-After`).toMatchObject({
            required: true,
            schema: { type: 'integer' },
          });
        }
      }
    }
  });

  it('lists every error code the service answers with, and the client knows the same list', async () => {
    const documented = [...(document.components.schemas.ErrorCode?.enum ?? [])].sort();

    expect(documented).toEqual(await serverErrorCodes());
    expect([...API_ERROR_CODES].sort()).toEqual(documented);
  });
});

describe('the POST /generate-url body: the zod schema and the OpenAPI schema agree', () => {
  const defaults = loadGenerateUrlConfig({ TABLE_NAME: 't', BUCKET_NAME: 'b' });
  const fromZod = toJSONSchema(generateUrlRequestSchema(defaults)) as SchemaObject;
  const documented = (): SchemaObject => document.components.schemas.GenerateUrlRequest ?? {};

  it('has the same required fields, the same property names and refuses unknown fields', () => {
    expect(documented().required).toEqual(fromZod.required);
    expect(Object.keys(documented().properties ?? {}).sort()).toEqual(Object.keys(fromZod.properties ?? {}).sort());
    expect(fromZod.additionalProperties).toBe(false);
    expect(documented().additionalProperties).toBe(false);
  });

  it('has the same types and bounds (the upper bounds at their defaults)', () => {
    for (const [name, zodProperty] of Object.entries(fromZod.properties ?? {})) {
      const property = documented().properties?.[name] ?? {};
      expect(property.type, name).toBe(zodProperty.type);
      for (const bound of ['minimum', 'maximum', 'minLength', 'maxLength', 'pattern'] as const) {
        if (zodProperty[bound] !== undefined) expect(property[bound], `${name}.${bound}`).toBe(zodProperty[bound]);
      }
    }
    expect(documented().properties?.expiresInSeconds?.maximum).toBe(defaults.maxExpiresInSeconds);
    expect(documented().properties?.maxUses?.maximum).toBe(defaults.maxUsesLimit);
  });

  it('documents the limits zod enforces outside JSON Schema, and the defaults the handler applies', () => {
    // The key's limit counts UTF-8 bytes (a refinement zod cannot express in JSON Schema).
    expect(documented().properties?.key?.maxLength).toBe(MAX_KEY_BYTES);
    expect(documented().properties?.responseContentDisposition?.maxLength).toBe(MAX_DISPOSITION_LENGTH);
    expect(documented().properties?.expiresInSeconds?.default).toBe(DEFAULT_EXPIRES_IN_SECONDS);
    expect(documented().properties?.maxUses?.default).toBe(DEFAULT_MAX_USES);
  });
});
