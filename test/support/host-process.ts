import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '../..');
const DIST = join(ROOT, 'dist');
/** Written after each build: the build is current while no source is newer. */
const BUILT = join(DIST, '.built');
/** Held while one test file builds; a lock older than this was left by a build that died. */
const LOCK = join(DIST, '.building');
const STALE_LOCK_MS = 5 * 60_000;

/** The newest modification time of the sources the build reads. */
function newestSource(): number {
  let newest = statSync(join(ROOT, 'tsconfig.build.json')).mtimeMs;
  const visit = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) visit(path);
      else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
    }
  };
  visit(join(ROOT, 'src'));
  visit(join(ROOT, 'libs'));
  return newest;
}

const mtimeOf = (path: string) => {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
};

const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/**
 * Compiles the demo host as `npm start` does, for tests that run it as a real process. Test
 * files run in parallel workers, and tsc rewrites the files of dist/ in place: a host started
 * while another worker builds could load a file half written (an empty main.js runs and exits
 * without a word). So one worker builds, under a lock, and only when a source is newer than the
 * last build; the others wait for it and start from the same build.
 */
export function buildHost(): void {
  mkdirSync(DIST, { recursive: true });
  for (;;) {
    const built = mtimeOf(BUILT);
    if (built !== undefined && built >= newestSource()) return;
    try {
      mkdirSync(LOCK);
    } catch {
      const locked = mtimeOf(LOCK);
      if (locked !== undefined && Date.now() - locked > STALE_LOCK_MS) rmSync(LOCK, { recursive: true, force: true });
      sleep(200);
      continue;
    }
    try {
      const started = Date.now();
      execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.build.json')], {
        cwd: ROOT,
        stdio: 'inherit',
      });
      // Stamped with the time the build started: a source saved during it counts as newer.
      writeFileSync(BUILT, '');
      const stamp = new Date(started);
      utimesSync(BUILT, stamp, stamp);
      return;
    } finally {
      rmSync(LOCK, { recursive: true, force: true });
    }
  }
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
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', NO_COLOR: '1', HTTP_ADAPTER: process.env.TEST_HTTP_ADAPTER || 'express', ...env },
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
