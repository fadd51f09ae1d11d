/** Reading the files valgrind's callgrind writes for one cold start (scripts/bench/instructions.ts). */
import { round } from './stats.js';

/**
 * Instructions of one child, in millions: its main thread between the marks (what the bench times), and
 * its other threads (V8's background compilers and garbage collector) over the whole run, since callgrind
 * dumps only the thread that reaches a mark.
 */
export interface Counted {
  readonly main: number;
  readonly otherThreads: number;
}

/** The child's two process.cpuUsage() calls, around the import and the first invocation. */
export const MARK = 'node::CPUUsage*';

/**
 * callgrind --separate-threads, dumping before each mark, writes `<prefix>.<part>-01` for the main thread
 * (part 1 up to the first mark, part 2 between the marks) and `<prefix>-<thread>` at exit for each thread.
 */
export const countsOf = (files: ReadonlyArray<{ name: string; text: string }>): Counted => {
  let main: number | undefined;
  let otherThreads = 0;
  for (const { name, text } of files) {
    const total = Number(/^(?:totals|summary): (\d+)/m.exec(text)?.[1] ?? Number.NaN);
    if (Number.isNaN(total)) throw new Error(`callgrind output ${name} has no total`);
    if (/\.2-01$/.test(name)) main = total;
    else if (/-(\d+)$/.test(name) && !/\.\d+-\d+$/.test(name) && !name.endsWith('-01')) otherThreads += total;
  }
  if (main === undefined) throw new Error('callgrind counted nothing between the marks');
  return { main: round(main / 1e6, 1), otherThreads: round(otherThreads / 1e6, 1) };
};
