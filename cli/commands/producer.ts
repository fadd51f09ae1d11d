import {
  contentDispositionFor,
  type GeneratedNonce,
  type GenerateInput,
  type NonceStatus,
  PresignedUrlNonceError,
  ProducerClient,
} from '../../client/index.js';
import { parseCommandArgs, positiveInteger, required } from '../args.js';
import { UsageError } from '../exit-codes.js';
import { type CliIo, isoSeconds, writeJson, writeLine, writeTable } from '../io.js';
import type { Command } from './command.js';

/** Defaults from the environment, so a shell session names the endpoint once. */
export const ENDPOINT_VARIABLE = 'PRESIGNED_URL_NONCE_ENDPOINT';
export const PRINCIPAL_VARIABLE = 'PRESIGNED_URL_NONCE_PRINCIPAL';

export const PRODUCER_OPTIONS = {
  endpoint: { type: 'string' },
  region: { type: 'string' },
  unsigned: { type: 'boolean' },
  principal: { type: 'string' },
  json: { type: 'boolean' },
} as const;

export const PRODUCER_HELP = `
  --endpoint URL     the API's base URL, stage included (or $${ENDPOINT_VARIABLE});
                     a loopback URL (127.0.0.1, localhost) is local mode: requests are not signed
  --region REGION    signing region (default: from an execute-api host name, else $AWS_REGION)
  --unsigned         do not sign, whatever the endpoint
  --principal NAME   local mode only: the caller local mode records (x-local-principal header;
                     or $${PRINCIPAL_VARIABLE}); the deployed API takes the caller from SigV4
  --json             one JSON object on stdout, also for errors
  -h, --help         this text

  On AWS, credentials come from the SDK's default chain: AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY,
  AWS_PROFILE, SSO, the container or instance role.`;

interface ProducerValues {
  readonly endpoint?: string | undefined;
  readonly region?: string | undefined;
  readonly unsigned?: boolean | undefined;
  readonly principal?: string | undefined;
}

export const clientFrom = (command: string, values: ProducerValues, io: CliIo): ProducerClient => {
  const endpoint = values.endpoint ?? io.env[ENDPOINT_VARIABLE];
  const principal = values.principal ?? io.env[PRINCIPAL_VARIABLE];
  try {
    return new ProducerClient({
      endpoint: required(command, 'endpoint', endpoint),
      ...(values.region === undefined ? {} : { region: values.region }),
      ...(values.unsigned === true ? { signing: false } : {}),
      ...(principal === undefined || principal === '' ? {} : { localPrincipal: principal }),
      ...(io.fetch === undefined ? {} : { fetch: io.fetch }),
      ...(io.sleep === undefined ? {} : { retry: { sleep: io.sleep } }),
    });
  } catch (error: unknown) {
    // The client refuses a bad endpoint or a principal for a signed endpoint: the command line is wrong.
    if (error instanceof PresignedUrlNonceError) throw new UsageError(error.message, command);
    throw error;
  }
};

/** `--filename` built into a Content-Disposition, or `--content-disposition` as given; not both. */
const dispositionFrom = (fileName: string | undefined, given: string | undefined): string | undefined => {
  if (fileName !== undefined && given !== undefined) {
    throw new UsageError('--filename and --content-disposition exclude each other.', 'generate');
  }
  if (given !== undefined && !/^[\x20-\x7e]*$/.test(given)) {
    throw new UsageError(
      '--content-disposition must be printable ASCII (S3 sends it as a header); use --filename NAME for a non-ASCII file name.',
      'generate',
    );
  }
  if (fileName === undefined) return given;
  try {
    return contentDispositionFor(fileName);
  } catch (error: unknown) {
    if (error instanceof PresignedUrlNonceError) throw new UsageError(`--filename: ${error.message}`, 'generate');
    throw error;
  }
};

/** How long `generate --wait` waits by default, in seconds. */
export const DEFAULT_WAIT_TIMEOUT_SECONDS = 600;

/** The upload's fields, or the download's, from the command line; each refused where it does not apply. */
const operationFrom = (values: {
  readonly upload?: boolean | undefined;
  readonly 'max-bytes'?: string | undefined;
  readonly 'content-type'?: string | undefined;
  readonly overwrite?: boolean | undefined;
  readonly confirm?: boolean | undefined;
  readonly wait?: boolean | undefined;
}): Pick<GenerateInput, 'operation' | 'maxBytes' | 'contentType' | 'overwrite'> => {
  const maxBytes = positiveInteger('generate', 'max-bytes', values['max-bytes']);
  if (values.upload !== true) {
    for (const option of ['max-bytes', 'content-type', 'overwrite'] as const) {
      if (values[option] !== undefined) throw new UsageError(`--${option} needs --upload.`, 'generate');
    }
    return {};
  }
  if (maxBytes === undefined)
    throw new UsageError('--upload needs --max-bytes N: the largest file accepted.', 'generate');
  for (const option of ['confirm', 'wait'] as const) {
    if (values[option] === true) throw new UsageError(`--${option} is for downloads; not with --upload.`, 'generate');
  }
  return {
    operation: 'upload',
    maxBytes,
    ...(values['content-type'] === undefined ? {} : { contentType: values['content-type'] }),
    ...(values.overwrite === true ? { overwrite: true } : {}),
  };
};

/** The rows a minted nonce or a status shows about its operation. */
const operationRows = (nonce: Pick<GeneratedNonce | NonceStatus, 'operation' | 'maxBytes' | 'contentType'>) =>
  nonce.operation === 'upload'
    ? ([
        ['operation', 'upload: the consumer puts one object at the key (presigned POST)'],
        ['maxBytes', String(nonce.maxBytes ?? '')],
        ...(nonce.contentType === undefined ? [] : [['contentType', nonce.contentType] as const]),
      ] as const)
    : ([['operation', 'download']] as const);

export const generateCommand: Command = {
  name: 'generate',
  summary: 'mint a nonce for an object key, to download it or to upload it (POST /generate-url)',
  help: `Usage: presigned-url-nonce generate --endpoint URL --key KEY [--max-uses N] [--expires-in SECONDS]
                                [--filename NAME | --content-disposition VALUE] [--confirm]
                                [--wait [--timeout SECONDS]] [--json]
       presigned-url-nonce generate --endpoint URL --key KEY --upload --max-bytes N [--content-type TYPE]
                                [--overwrite] [--expires-in SECONDS] [--json]

Mints a nonce for an existing object and prints its accessUrl (give that to the consumer), nonceId
(for status and revoke), expiry and uses. With --json: {nonce, nonceId, accessUrl, expiresAt, maxUses,
operation} (and maxBytes, contentType for an upload).

With --upload, the nonce lets its consumer put one file of at most --max-bytes at KEY instead (the stack
must enable uploads; KEY must be under its upload prefix and hold no object yet): the consumer runs
'presigned-url-nonce upload ACCESS_URL FILE'. With --wait, generate mints the download nonce once KEY
exists, polling with backoff: how a producer learns that an upload has landed.

  --key KEY                     object key in the stack's bucket (required; the object must exist)
  --max-uses N                  redemptions allowed (default 1)
  --expires-in SECONDS          lifetime (default 3600)
  --filename NAME               the download is saved as NAME (any characters: a non-ASCII name is sent
                                in RFC 5987's filename*, as S3 needs printable ASCII)
  --content-disposition VALUE   Content-Disposition for the download as given, printable ASCII,
                                e.g. 'attachment; filename="a.pdf"'
  --confirm                     a link for a person: opening it shows a page with a button, and only
                                the button (a POST) uses it, not a link previewer or mail scanner
  --wait                        until KEY exists: ask again while the API answers object_not_found,
                                waiting 1 s, then twice as long each time (at most 30 s)
  --timeout SECONDS             how long --wait waits (default ${DEFAULT_WAIT_TIMEOUT_SECONDS}); then not found, exit 3
  --upload                      an upload nonce: the consumer puts one file at KEY
  --max-bytes N                 with --upload (required): the largest file accepted, 1 to 5 GiB
  --content-type TYPE           with --upload: the object's Content-Type, which the upload sends as is
  --overwrite                   with --upload: allow replacing an object that exists at KEY
${PRODUCER_HELP}`,
  async run(argv, io) {
    const { values } = parseCommandArgs('generate', argv, {
      ...PRODUCER_OPTIONS,
      key: { type: 'string' },
      'max-uses': { type: 'string' },
      'expires-in': { type: 'string' },
      'content-disposition': { type: 'string' },
      confirm: { type: 'boolean' },
      filename: { type: 'string' },
      wait: { type: 'boolean' },
      timeout: { type: 'string' },
      upload: { type: 'boolean' },
      'max-bytes': { type: 'string' },
      'content-type': { type: 'string' },
      overwrite: { type: 'boolean' },
    });
    const key = required('generate', 'key', values.key);
    const maxUses = positiveInteger('generate', 'max-uses', values['max-uses']);
    const expiresInSeconds = positiveInteger('generate', 'expires-in', values['expires-in']);
    const disposition = dispositionFrom(values.filename, values['content-disposition']);
    const operation = operationFrom(values);
    const timeout = positiveInteger('generate', 'timeout', values.timeout);
    if (timeout !== undefined && values.wait !== true) throw new UsageError('--timeout needs --wait.', 'generate');
    const input: GenerateInput = {
      key,
      ...operation,
      ...(maxUses === undefined ? {} : { maxUses }),
      ...(expiresInSeconds === undefined ? {} : { expiresInSeconds }),
      ...(disposition === undefined ? {} : { responseContentDisposition: disposition }),
      ...(values.confirm === true ? { confirm: true } : {}),
    };
    const client = clientFrom('generate', values, io);
    const generated =
      values.wait === true
        ? await client.generateWhenObjectExists(input, {
            timeoutMs: (timeout ?? DEFAULT_WAIT_TIMEOUT_SECONDS) * 1000,
            ...(io.sleep === undefined ? {} : { sleep: io.sleep }),
          })
        : await client.generate(input);
    if (values.json === true) {
      writeJson(io.stdout, { ...generated });
      return;
    }
    writeTable(io.stdout, [
      ['accessUrl', generated.accessUrl],
      ['nonceId', generated.nonceId],
      ['expiresAt', isoSeconds(generated.expiresAt)],
      ['maxUses', String(generated.maxUses)],
      ...operationRows(generated),
    ]);
  },
};

export const statusCommand: Command = {
  name: 'status',
  summary: "show a nonce's key, expiry and uses left (GET /nonces/{nonceId})",
  help: `Usage: presigned-url-nonce status --endpoint URL --id NONCE_ID [--json]

Shows a live nonce you created. Used up, expired, revoked, unknown or someone else's: not found (exit 3).
With --json: {nonceId, key, expiresAt, maxUses, usesLeft, createdAt, confirm, operation} (and
maxBytes, contentType for an upload nonce).

  --id NONCE_ID      the nonceId generate printed (required)
${PRODUCER_HELP}`,
  async run(argv, io) {
    const { values } = parseCommandArgs('status', argv, { ...PRODUCER_OPTIONS, id: { type: 'string' } });
    const nonceId = required('status', 'id', values.id);
    const status = await clientFrom('status', values, io).status(nonceId);
    if (values.json === true) {
      writeJson(io.stdout, { ...status });
      return;
    }
    writeTable(io.stdout, [
      ['nonceId', status.nonceId],
      ['key', status.key],
      ['usesLeft', `${status.usesLeft} of ${status.maxUses}`],
      ['expiresAt', isoSeconds(status.expiresAt)],
      ['createdAt', isoSeconds(status.createdAt)],
      ['confirm', status.confirm ? 'yes: GET shows a page, only POST uses it' : 'no'],
      ...operationRows(status),
    ]);
  },
};

export const revokeCommand: Command = {
  name: 'revoke',
  summary: 'revoke a nonce at once (DELETE /nonces/{nonceId})',
  help: `Usage: presigned-url-nonce revoke --endpoint URL --id NONCE_ID [--json]

Revokes a live nonce you created: every later redemption is refused. Not found (exit 3) when it is
used up, expired, already revoked, unknown or someone else's. With --json: {nonceId, revoked: true}.

  --id NONCE_ID      the nonceId generate printed (required)
${PRODUCER_HELP}`,
  async run(argv, io) {
    const { values } = parseCommandArgs('revoke', argv, { ...PRODUCER_OPTIONS, id: { type: 'string' } });
    const nonceId = required('revoke', 'id', values.id);
    await clientFrom('revoke', values, io).revoke(nonceId);
    if (values.json === true) writeJson(io.stdout, { nonceId, revoked: true });
    else writeLine(io.stdout, `revoked ${nonceId}`);
  },
};
