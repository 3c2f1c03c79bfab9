import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '../..');
// The same build `npm start` runs first (prestart): under a lock, only when a source changed.
const { buildIfChanged } = require('../../scripts/build-if-changed') as { buildIfChanged(): boolean };

/**
 * Compiles the demo host as `npm start` does, for tests that run it as a real process: once for
 * all the parallel workers, and only when a source is newer than the last build (see
 * scripts/build-if-changed.js).
 */
export function buildHost(): void {
  buildIfChanged();
}

export interface HostProcess {
  child: ChildProcess;
  url: string;
  /** Everything the process printed so far. */
  output(): string;
  /** Resolves when the output matches, rejects after `timeoutMs`. */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Resolves with the exit code or signal. */
  exited: Promise<number | NodeJS.Signals>;
  /** Kills the process if it still runs (SIGKILL) and resolves once it has exited. */
  stop(): Promise<void>;
}

/** Starts `node dist/src/main.js` on a random port and resolves once it listens. */
export async function startHostProcess(env: Record<string, string>): Promise<HostProcess> {
  const child = spawn(process.execPath, [join(ROOT, 'dist/src/main.js')], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', NO_COLOR: '1', DEMO_SEED_SHARING: 'false', HTTP_ADAPTER: process.env.TEST_HTTP_ADAPTER || 'express', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const listeners = new Set<() => void>();
  const append = (chunk: Buffer) => {
    output += chunk.toString();
    listeners.forEach((listener) => listener());
  };
  child.stdout!.on('data', append);
  child.stderr!.on('data', append);
  const exited = new Promise<number | NodeJS.Signals>((resolve) =>
    child.on('exit', (code, signal) => {
      listeners.forEach((listener) => listener());
      resolve(code ?? signal!);
    }),
  );

  const waitForOutput = (pattern: RegExp, timeoutMs = 20_000) =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const check = () => {
        const match = output.match(pattern);
        if (match) {
          done();
          resolve(match);
        } else if (child.exitCode !== null || child.signalCode !== null) {
          done();
          reject(new Error(`Host exited before printing ${pattern}:\n${output}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`Host did not print ${pattern} within ${timeoutMs} ms:\n${output}`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        listeners.delete(check);
      };
      listeners.add(check);
      check();
    });

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  };
  try {
    const [, url] = await waitForOutput(/listening on (http:\/\/[^\s;]+)/);
    return { child, url, output: () => output, waitForOutput, exited, stop };
  } catch (error) {
    // A host that never listened does not outlive the test that started it.
    await stop();
    throw error;
  }
}
