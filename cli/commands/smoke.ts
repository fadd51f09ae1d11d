import { parseCommandArgs, positiveInteger, required } from '../args.js';
import { EXIT } from '../exit-codes.js';
import { writeJson, writeLine } from '../io.js';
import { CHECKS, type CheckResult, DEFAULT_CONCURRENCY, DEFAULT_TIMEOUT_MS, runSmoke } from '../smoke/run-smoke.js';
import type { Command } from './command.js';
import { clientFrom, PRODUCER_HELP, PRODUCER_OPTIONS } from './producer.js';

const NAME_WIDTH = Math.max(...CHECKS.map(([name]) => name.length));

const lineOf = (result: CheckResult): string =>
  `${result.ok ? 'PASS' : 'FAIL'}  ${result.name.padEnd(NAME_WIDTH)}  ${result.detail}`;

export const smokeCommand: Command = {
  name: 'smoke',
  summary: 'check a deployed (or local) API against the contract, one line per check',
  help: `Usage: presigned-url-nonce smoke --endpoint URL --key KEY [--json] [--timeout SECONDS]

Checks the API at URL against its HTTP contract, using an existing, non-empty object KEY, and prints one
line per check (PASS or FAIL, and why) and a summary. It mints four short-lived nonces for KEY and uses
up or revokes every one of them, also when a check fails. Run it after each deploy:
  presigned-url-nonce smoke --endpoint <ApiUrl> --key <key>

Checks, in order:
${CHECKS.map(([name, proves]) => `  ${name.padEnd(NAME_WIDTH)}  ${proves}`).join('\n')}

The ${DEFAULT_CONCURRENCY} concurrent redemptions may meet API Gateway's or WAF's throttling (429) or the service's
503 service_unavailable: neither takes a use, so they are reported apart and not counted; the check
fails if more than half got one (the race was not run: retry later). Any other answer fails it.

Exit codes: 0 every check passed, 1 a check failed, 2 usage.

  --key KEY          object key in the stack's bucket (required; it must exist and not be empty)
  --timeout SECONDS  limit for each request, its body included (default ${DEFAULT_TIMEOUT_MS / 1000})
${PRODUCER_HELP}`,
  async run(argv, io) {
    const { values } = parseCommandArgs('smoke', argv, {
      ...PRODUCER_OPTIONS,
      key: { type: 'string' },
      timeout: { type: 'string' },
    });
    const key = required('smoke', 'key', values.key);
    const timeoutSeconds = positiveInteger('smoke', 'timeout', values.timeout);
    const json = values.json === true;
    const report = await runSmoke({
      key,
      createProducer: (fetch) => clientFrom('smoke', values, { ...io, fetch }),
      ...(io.fetch === undefined ? {} : { fetch: io.fetch }),
      ...(timeoutSeconds === undefined ? {} : { timeoutMs: timeoutSeconds * 1000 }),
      // People see each check as it ends; scripts get one document at the end.
      ...(json ? {} : { onCheck: (result: CheckResult) => writeLine(io.stdout, lineOf(result)) }),
    });
    const summary = { total: report.checks.length, passed: report.passed, failed: report.failed };
    if (json) {
      writeJson(io.stdout, {
        endpoint: report.endpoint,
        key: report.key,
        ok: report.failed === 0,
        checks: report.checks,
        summary,
      });
    } else {
      writeLine(
        io.stdout,
        `${report.failed === 0 ? 'ok' : 'FAILED'}: ${summary.passed} of ${summary.total} checks passed against ${report.endpoint}`,
      );
    }
    return report.failed === 0 ? EXIT.ok : EXIT.failure;
  },
};
