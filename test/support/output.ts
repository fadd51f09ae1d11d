/**
 * Captures everything written to stdout and stderr by the code under test (Powertools' JSON logs and
 * EMF metrics), so tests can assert on it and nothing is printed. Loaded as a vitest setup file.
 */

const captured: string[] = [];

const capture = (chunk: unknown, encodingOrCallback?: unknown, callback?: unknown): boolean => {
  captured.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
  const done = typeof encodingOrCallback === 'function' ? encodingOrCallback : callback;
  if (typeof done === 'function') done();
  return true;
};

process.stdout.write = capture as typeof process.stdout.write;
process.stderr.write = capture as typeof process.stderr.write;

/** All output captured in this test file so far. */
export const capturedOutput = (): string => captured.join('');

/** The captured lines that parse as JSON objects (log records and EMF documents). */
export const capturedRecords = (): Record<string, unknown>[] =>
  capturedOutput()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
