import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/**
 * Runs the Redocly CLI (a devDependency) offline: no telemetry, no update check. It is also the YAML
 * parser of the tests: `bundle --ext json` turns docs/openapi.yaml into JSON, so no YAML library is needed.
 */

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const OPENAPI_PATH = 'docs/openapi.yaml';

const REDOCLY = fileURLToPath(new URL('../../node_modules/@redocly/cli/bin/cli.js', import.meta.url));

const OFFLINE_ENV = {
  ...process.env,
  REDOCLY_TELEMETRY: 'off',
  REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true',
  // Silences its Node 20 deprecation banner too (it is shown only outside CI).
  CI: 'true',
  NO_COLOR: '1',
};

export interface RedoclyRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export const redocly = async (args: readonly string[]): Promise<RedoclyRun> => {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [REDOCLY, ...args], {
      cwd: REPO_ROOT,
      env: OFFLINE_ENV,
      maxBuffer: 16 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (error: unknown) {
    const failed = error as { code?: unknown; stdout?: string; stderr?: string };
    if (typeof failed.code !== 'number') throw error;
    return { code: failed.code, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
};

/** A JSON Schema object as it appears in the document (loosely typed: tests read what they check). */
export interface SchemaObject {
  readonly type?: string;
  readonly required?: readonly string[];
  readonly properties?: Readonly<Record<string, SchemaObject>>;
  readonly additionalProperties?: boolean;
  readonly enum?: readonly string[];
  readonly minimum?: number;
  readonly maximum?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly default?: unknown;
  readonly pattern?: string;
  readonly $ref?: string;
}

export interface OpenApiDocument {
  readonly openapi: string;
  readonly paths: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  readonly components: {
    readonly schemas: Readonly<Record<string, SchemaObject>>;
    readonly securitySchemes: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
    readonly responses: Readonly<Record<string, unknown>>;
    readonly headers: Readonly<Record<string, unknown>>;
  };
}

/** docs/openapi.yaml as JSON, $refs kept. */
export const loadOpenApi = async (): Promise<OpenApiDocument> => {
  const run = await redocly(['bundle', OPENAPI_PATH, '--ext', 'json']);
  if (run.code !== 0) throw new Error(`redocly bundle failed:\n${run.stderr}`);
  return JSON.parse(run.stdout) as OpenApiDocument;
};

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/** Every operation as `METHOD /path`. */
export const operationsOf = (document: OpenApiDocument): string[] =>
  Object.entries(document.paths).flatMap(([path, item]) =>
    HTTP_METHODS.filter((method) => method in item).map((method) => `${method.toUpperCase()} ${path}`),
  );
