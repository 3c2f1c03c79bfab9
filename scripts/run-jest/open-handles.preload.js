// Loaded into the Jest process (and its workers) by scripts/run-jest.js with `node --require`, so
// that a run that does not finish can say what it still holds:
// - on SIGUSR2 it writes its live handles and requests to $RUN_JEST_STATE/live-<pid>.txt;
// - at its 'exit' event it writes to $RUN_JEST_STATE/exit-<pid>.txt what is still open then.
//   Node closes those in its exit-time clean-up; one that never finishes closing keeps the process
//   spinning there after its last line, where no JavaScript runs any more to ask.
// Without RUN_JEST_STATE it does nothing. The signal listener does not keep the process alive.
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');

const state = process.env.RUN_JEST_STATE;

/** One line per JavaScript handle, with what identifies it: addresses, the child's command, the fd. */
function describeHandle(handle) {
  const kind = handle?.constructor?.name ?? typeof handle;
  try {
    if (kind === 'ChildProcess') return `child process ${handle.pid}: ${handle.spawnargs.join(' ')}`;
    if (typeof handle.listening === 'boolean') {
      const address = handle.address();
      return `${kind} listening on ${typeof address === 'string' ? address : `${address?.address}:${address?.port}`}`;
    }
    if (handle.destroyed && handle._handle === null) return `${kind}, destroyed, but its handle is still open (it never finished closing)`;
    if (handle.remotePort !== undefined) return `${kind} ${handle.localAddress}:${handle.localPort} -> ${handle.remoteAddress}:${handle.remotePort}`;
    if (handle.fd !== undefined) return `${kind} fd ${handle.fd}`;
  } catch (error) {
    return `${kind} (${error.message})`;
  }
  return kind;
}

const endpoint = (end) => (end ? `${end.ip4 ?? end.ip6 ?? end.host}:${end.port}` : 'nothing');

/**
 * Libuv's own list, which also has the handles JavaScript no longer references or that keep no
 * loop alive (unreferenced), leaving out Node's per-process machinery (async, check, idle,
 * prepare, signal) and stdio.
 */
function libuvHandles() {
  const lines = [];
  for (const handle of process.report.getReport().libuv) {
    if (['async', 'check', 'idle', 'prepare', 'signal', 'loop'].includes(handle.type)) continue;
    if (handle.fd !== undefined && handle.fd >= 0 && handle.fd <= 2) continue;
    if (handle.type === 'timer' && !handle.is_referenced) continue;
    const flags = `${handle.is_referenced ? 'referenced' : 'unreferenced'}, ${handle.is_active ? 'active' : 'not active'}`;
    let details = '';
    if (handle.type === 'tcp' || handle.type === 'udp') {
      details = ` fd ${handle.fd} ${endpoint(handle.localEndpoint)} -> ${endpoint(handle.remoteEndpoint)}${handle.writable === false ? ', not writable (shut down)' : ''}`;
    } else if (handle.type === 'process') details = ` pid ${handle.pid}`;
    else if (handle.type === 'timer') details = ` firing in ${handle.firesInMsFromNow} ms`;
    else if (handle.fd !== undefined) details = ` fd ${handle.fd}`;
    lines.push(`libuv: ${handle.type}${details} (${flags})`);
  }
  return lines;
}

function report() {
  // The process's own stdout and stderr stay open to the end and are no one's leak.
  const all = process._getActiveHandles();
  const stdio = all.filter((handle) => handle === process.stdout || handle === process.stderr);
  const resources = process.getActiveResourcesInfo();
  for (const handle of stdio) {
    const index = resources.indexOf(handle._type === 'pipe' ? 'PipeWrap' : 'TTYWrap');
    if (index >= 0) resources.splice(index, 1);
  }
  const lines = [];
  if (resources.length) lines.push(`resources: ${resources.join(', ')}`);
  for (const handle of all) if (!stdio.includes(handle)) lines.push(`handle: ${describeHandle(handle)}`);
  for (const request of process._getActiveRequests()) lines.push(`request: ${request?.constructor?.name}`);
  lines.push(...libuvHandles());
  return lines.map((line) => `${line}\n`).join('');
}

if (state) {
  process.on('SIGUSR2', () => writeFileSync(join(state, `live-${process.pid}.txt`), report()));
  process.on('exit', () => writeFileSync(join(state, `exit-${process.pid}.txt`), report()));
}
