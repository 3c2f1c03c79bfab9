import { execFile, execFileSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * The 3-node MariaDB Galera cluster of scripts/galera-dev.sh, for the Galera suite
 * (`npm run test:galera` starts it and sets GALERA_URLS). Fault tests kill and restart nodes
 * through the same script, so only processes it started are touched.
 *
 * Everything but `galeraUrls` is asynchronous: a kill or a restart happens while the test's own
 * hosts and clients keep running in this process, which a synchronous child process would freeze.
 */

const SCRIPT = join(__dirname, '../../scripts/galera-dev.sh');

/** Node numbers: node N serves SQL on 127.0.0.1:3307N. */
export type GaleraNode = 1 | 2 | 3;

export const GALERA_NODES: readonly GaleraNode[] = [1, 2, 3];

/**
 * `stopped`, `starting` (the process runs but does not answer SQL yet), or the node's
 * wsrep_local_state_comment: `Synced`, `Donor/Desynced`, `Joined`, `Joining: receiving State Transfer`, …
 */
export type GaleraNodeState = 'stopped' | 'starting' | 'Synced' | 'Donor/Desynced' | 'Joined' | (string & {});

/** The nodes' URLs, node 1 first: GALERA_URLS (comma-separated) or else the script's `urls`. */
export function galeraUrls(): string[] {
  const fromEnv = process.env.GALERA_URLS;
  const text = fromEnv ?? execFileSync('bash', [SCRIPT, 'urls'], { encoding: 'utf8', timeout: 10_000 });
  const urls = text
    .split(fromEnv === undefined ? '\n' : ',')
    .map((url) => url.trim())
    .filter((url) => url !== '');
  if (urls.length !== GALERA_NODES.length) {
    throw new Error(`expected ${GALERA_NODES.length} Galera URLs, got ${urls.length}: ${JSON.stringify(text)}`);
  }
  return urls;
}

/** The URL of node N (of `galeraUrls()`). */
export function galeraUrl(node: GaleraNode): string {
  nodeArg(node);
  return galeraUrls()[node - 1];
}

/**
 * `kill -9` of node N; resolves once the process is gone. The other nodes hold commits until they
 * evict it (evs.suspect_timeout, about 4-5 s here): a client of theirs sees a slow answer, not an error.
 */
export async function killNode(node: GaleraNode): Promise<void> {
  await runScript(['kill', nodeArg(node)], 15_000);
}

/**
 * Starts node N again at its recovered position (it rejoins by IST when it can). Resolves once the
 * process runs, which is after the other nodes have evicted the killed one (about 5 s after a
 * kill); the node is not Synced yet: see `waitNodeSynced`.
 */
export async function restartNode(node: GaleraNode): Promise<void> {
  await runScript(['restart', nodeArg(node)], 90_000);
}

/** Resolves when node N is Synced; rejects after `timeoutMs` with the tail of its error log. */
export async function waitNodeSynced(node: GaleraNode, timeoutMs = 180_000): Promise<void> {
  const seconds = Math.max(1, Math.ceil(timeoutMs / 1000));
  await runScript(['wait', nodeArg(node)], timeoutMs + 15_000, { GALERA_WAIT_SECONDS: String(seconds) });
}

/** Node N's state as the script sees it now. */
export async function nodeState(node: GaleraNode): Promise<GaleraNodeState> {
  return (await runScript(['state', nodeArg(node)], 15_000)).trim();
}

/** The node as the script's argument; a number outside the type (from a cast) is refused here. */
function nodeArg(node: GaleraNode): string {
  if (!GALERA_NODES.includes(node)) throw new RangeError(`no Galera node ${String(node)}: nodes are 1, 2 and 3`);
  return String(node);
}

/** Runs the script; resolves with its standard output, rejects with its error output. */
function runScript(args: string[], timeoutMs: number, env: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      'bash',
      [SCRIPT, ...args],
      { encoding: 'utf8', timeout: timeoutMs, killSignal: 'SIGKILL', env: { ...process.env, ...env } },
      (error, stdout, stderr) => {
        if (!error) return resolve(stdout);
        const why = error.killed ? `timed out after ${timeoutMs} ms` : `failed (${error.code ?? error.signal})`;
        reject(new Error(`scripts/galera-dev.sh ${args.join(' ')} ${why}:\n${stderr.trim()}`));
      },
    );
  });
}
