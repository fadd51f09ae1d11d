// One cold start, in a fresh Node.js process: import a Lambda bundle, serve one invocation, and report
// the times on the last line of stdout. Plain JavaScript on purpose: no loader, as the Lambda runtime.
import { pathToFileURL } from 'node:url';

const bundle = process.argv[2] ?? '';
const event = JSON.parse(process.env.BENCH_EVENT ?? 'null');
delete process.env.BENCH_EVENT;

const started = performance.now();
// The process's CPU time, every thread's: what Lambda meters against a function's share of a vCPU.
const cpuAtStart = process.cpuUsage();
const { handler } = await import(pathToFileURL(bundle).href);
const imported = performance.now();
const result = await handler(event);
const answered = performance.now();
const cpu = process.cpuUsage(cpuAtStart);

const outcome = result?.statusCode ?? result?.policyDocument?.Statement?.[0]?.Effect ?? 'none';
const report = {
  bootMs: started,
  importMs: imported - started,
  firstInvokeMs: answered - imported,
  cpuMs: (cpu.user + cpu.system) / 1000,
  outcome,
};
// The SDK's keep-alive sockets would hold the process open; exit once the line is written.
process.stdout.write(`\n${JSON.stringify(report)}\n`, () => process.exit(0));
