#!/usr/bin/env node
// Runs Jest under time limits, so that a run that hangs fails and says why instead of waiting:
// - every test file has RUN_JEST_FILE_LIMIT_S seconds (default 300);
// - the whole run has RUN_JEST_LIMIT_S seconds (default 1800);
// - once Jest has printed its summary, the process has RUN_JEST_EXIT_LIMIT_S seconds (default 20)
//   to exit: a process that finished its work but does not end is a hang too.
// When a limit passes, it prints which file and test were running and what the Jest process still
// held (live handles, sockets and files, child processes; Node's own handle list and native stack
// when gdb is installed), kills the run's process group and every process it started, and fails.
// Every run ends with a line giving its time and how long the process took to exit after the
// summary.
//
//   node scripts/run-jest.js [jest arguments...]
//   require('./run-jest').runJest(args, { env, label }) -> Promise<exit status>
const { execFileSync, spawn } = require('node:child_process');
const { existsSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

const root = join(__dirname, '..');
const PRELOAD = join(__dirname, 'run-jest/open-handles.preload.js');
const REPORTER = join(__dirname, 'run-jest/progress.reporter.js');
const CLOCK_TICKS = 100;

function limitSeconds(name, fallback) {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

const say = (line) => process.stderr.write(`run-jest: ${line}\n`);
const read = (file) => {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
};
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Every process on the machine from /proc: pid, parent, process group, state, CPU ticks, command. */
function processTable() {
  const table = new Map();
  // Without /proc (not Linux) only the process group can be signalled, and nothing described.
  const entries = existsSync('/proc') ? readdirSync('/proc') : [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = read(`/proc/${entry}/stat`);
    if (!stat) continue;
    // The command name in parentheses may itself hold spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const command = (read(`/proc/${entry}/cmdline`) ?? '').split('\0').filter(Boolean).join(' ');
    table.set(Number(entry), {
      pid: Number(entry),
      state: fields[0],
      ppid: Number(fields[1]),
      pgid: Number(fields[2]),
      cpuTicks: Number(fields[11]) + Number(fields[12]),
      command,
    });
  }
  return table;
}

/** The run's processes: its process group, and every descendant (some start their own group). */
function runProcesses(rootPid) {
  const table = processTable();
  const found = new Map();
  const visit = (pid) => {
    const process = table.get(pid);
    if (!process || found.has(pid)) return;
    found.set(pid, process);
    for (const other of table.values()) if (other.ppid === pid) visit(other.pid);
  };
  visit(rootPid);
  for (const other of table.values()) if (other.pgid === rootPid) visit(other.pid);
  return [...found.values()];
}

/** Socket inode -> what the kernel knows of it (TCP/UDP endpoints and state, Unix path). */
function socketTable() {
  const TCP_STATES = ['', 'ESTABLISHED', 'SYN_SENT', 'SYN_RECV', 'FIN_WAIT1', 'FIN_WAIT2', 'TIME_WAIT', 'CLOSE', 'CLOSE_WAIT', 'LAST_ACK', 'LISTEN', 'CLOSING'];
  const address = (hex) => {
    const [ip, port] = hex.split(':');
    const host = ip.length === 8 ? ip.match(/../g).reverse().map((byte) => parseInt(byte, 16)).join('.') : `[${ip}]`;
    return `${host}:${parseInt(port, 16)}`;
  };
  const sockets = new Map();
  for (const protocol of ['tcp', 'tcp6', 'udp', 'udp6']) {
    for (const line of (read(`/proc/net/${protocol}`) ?? '').split('\n').slice(1)) {
      const columns = line.trim().split(/\s+/);
      if (columns.length < 10) continue;
      const state = protocol.startsWith('tcp') ? ` ${TCP_STATES[parseInt(columns[3], 16)]}` : '';
      sockets.set(columns[9], `${protocol.toUpperCase()} ${address(columns[1])} -> ${address(columns[2])}${state}`);
    }
  }
  for (const line of (read('/proc/net/unix') ?? '').split('\n').slice(1)) {
    const columns = line.trim().split(/\s+/);
    if (columns.length >= 7) sockets.set(columns[6], `Unix socket ${columns[7] ?? '(unnamed)'}`);
  }
  return sockets;
}

/** The process's open files, sockets resolved to their endpoints; pipes and event fds counted. */
function openFiles(pid, sockets) {
  let fds;
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return ['(its open files cannot be read)'];
  }
  const lines = [];
  const counted = new Map();
  for (const fd of fds.sort((a, b) => a - b)) {
    let target;
    try {
      target = readlinkSync(`/proc/${pid}/fd/${fd}`);
    } catch {
      continue;
    }
    const socket = target.match(/^socket:\[(\d+)\]$/);
    if (socket) {
      lines.push(`fd ${fd}: ${sockets.get(socket[1]) ?? `socket ${socket[1]}, in no TCP, UDP or Unix table (closed or reset, but its file descriptor is still open)`}`);
    } else if (/^(pipe|anon_inode):/.test(target)) {
      const kind = target.replace(/:.*\[?.*$/, '').replace(/\[|\]/g, '');
      counted.set(kind, (counted.get(kind) ?? 0) + 1);
    } else if (!['0', '1', '2'].includes(fd)) {
      lines.push(`fd ${fd}: ${target}`);
    }
  }
  if (counted.size) lines.push(`and ${[...counted].map(([kind, count]) => `${count} ${kind}`).join(', ')}`);
  return lines;
}

let gdbChecked;
function hasGdb() {
  if (gdbChecked === undefined) {
    try {
      execFileSync('gdb', ['--version'], { stdio: 'ignore' });
      gdbChecked = true;
    } catch {
      gdbChecked = false;
    }
  }
  return gdbChecked;
}

/**
 * The main thread's native stack and libuv's list of every handle of the loop, unreferenced and
 * internal ones included (flags: R referenced, A active, I internal), read with gdb.
 */
function nativeView(pid, state) {
  if (!hasGdb()) return ['(install gdb for its native stack and libuv handle list)'];
  const handles = join(state, `uv-handles-${pid}.txt`);
  try {
    const output = execFileSync(
      'gdb',
      [
        '-p', String(pid), '-batch', '-nx',
        '-ex', 'thread 1', '-ex', 'bt 12',
        '-ex', `set $file = (void *) fopen("${handles}", "w")`,
        '-ex', 'call (void) uv_print_all_handles((void *) uv_default_loop(), $file)',
        '-ex', 'call (int) fclose($file)',
      ],
      { encoding: 'utf8', timeout: 60_000, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    // gdb prints the selected frame once more before the backtrace.
    const stack = [...new Set(output.split('\n').filter((line) => /^#\d+ /.test(line)))];
    // One line per kind of handle with a count, not one per handle: there are dozens of signal handles.
    const kinds = new Map();
    for (const line of (read(handles) ?? '').split('\n')) {
      const [flags, type] = line.trim().split(/\s+/);
      if (type) kinds.set(`${flags} ${type}`, (kinds.get(`${flags} ${type}`) ?? 0) + 1);
    }
    const uv = [...kinds].map(([kind, count]) => (count > 1 ? `${kind} x${count}` : kind));
    return ['native stack of its main thread:', ...stack, 'libuv handles ([R]eferenced, [A]ctive, [I]nternal):', ...uv];
  } catch (error) {
    return [`(gdb could not read it: ${error.message.split('\n')[0]})`];
  }
}

/** Prints everything the run's processes still hold, asking the Jest processes themselves first. */
async function describeRun(rootPid, state) {
  const sampledAt = Date.now();
  const before = new Map(runProcesses(rootPid).map((entry) => [entry.pid, entry]));
  const answer = (pid) => join(state, `live-${pid}.txt`);
  const pastExit = (pid) => existsSync(join(state, `exit-${pid}.txt`));
  // Past its 'exit' event a process has no listener any more, and SIGUSR2 would end it.
  const jest = [...before.values()].filter((entry) => entry.command.includes(PRELOAD) && !pastExit(entry.pid));
  for (const { pid } of jest) rmSync(answer(pid), { force: true });
  signalAll(jest, 'SIGUSR2');
  // Up to 3 s for the answers; at least 1 s of CPU use, to tell a spinning process from a waiting one.
  while (Date.now() - sampledAt < 3000 && jest.some(({ pid }) => !existsSync(answer(pid)))) await sleep(100);
  if (Date.now() - sampledAt < 1000) await sleep(1000 - (Date.now() - sampledAt));
  const seconds = (Date.now() - sampledAt) / 1000;
  const sockets = socketTable();

  for (const entry of runProcesses(rootPid)) {
    const previous = before.get(entry.pid);
    const cpu = previous ? `${Math.round(((entry.cpuTicks - previous.cpuTicks) / CLOCK_TICKS / seconds) * 100)}% CPU` : 'just started';
    say(`process ${entry.pid} (parent ${entry.ppid}, state ${entry.state}, ${cpu}): ${entry.command}`);
    const lines = [];
    if (entry.command.includes(PRELOAD)) {
      const live = read(answer(entry.pid));
      const atExit = read(join(state, `exit-${entry.pid}.txt`));
      if (live) {
        lines.push('live handles, as the process reports them:', ...live.trim().split('\n'));
      } else {
        if (atExit) {
          lines.push("it is past its 'exit' event: Node's exit-time clean-up waits for a handle that does not finish closing.");
          lines.push("still open at its 'exit' event:", ...atExit.trim().split('\n'));
        } else {
          lines.push('it did not answer: its JavaScript is not running (busy, or stuck in native code).');
        }
        lines.push(...nativeView(entry.pid, state));
      }
    }
    lines.push('open files:', ...openFiles(entry.pid, sockets));
    for (const line of lines) say(`    ${line}`);
  }
}

/** Sends `name` to each process that is still there. */
function signalAll(targets, name) {
  for (const { pid } of targets) {
    try {
      process.kill(pid, name);
    } catch {
      // Gone already.
    }
  }
}

/**
 * SIGTERM, then SIGKILL after a grace period, to every process of the run; resolves with those it
 * found. Once the Jest process itself has exited, its pid may be reused: then only its process
 * group counts.
 */
async function killRun(rootPid, exited) {
  const members = () =>
    runProcesses(rootPid).filter((entry) => entry.state !== 'Z' && (!exited || (entry.pgid === rootPid && entry.pid !== rootPid)));
  const group = { pid: -rootPid };
  const targets = members();
  signalAll([group, ...targets], 'SIGTERM');
  if (targets.length === 0) return [];
  for (let waited = 0; waited < 5000 && members().length > 0; waited += 200) await sleep(200);
  signalAll([group, ...members()], 'SIGKILL');
  return targets;
}

/**
 * Runs Jest with `args` under the time limits; resolves with its exit status (1 when a limit
 * passed or Jest was killed).
 */
function runJest(args, { env = process.env, label = `jest ${args.join(' ')}`.trim() } = {}) {
  const limits = {
    file: limitSeconds('RUN_JEST_FILE_LIMIT_S', 300),
    run: limitSeconds('RUN_JEST_LIMIT_S', 1800),
    exit: limitSeconds('RUN_JEST_EXIT_LIMIT_S', 20),
  };
  const state = mkdtempSync(join(tmpdir(), 'run-jest-'));
  const events = join(state, 'events.jsonl');
  const started = Date.now();
  const child = spawn(
    process.execPath,
    ['--require', PRELOAD, require.resolve('jest/bin/jest'), '--reporters=default', `--reporters=${REPORTER}`, ...args],
    // Its own process group, so that the run and everything it started can be killed together.
    { cwd: root, env: { ...env, RUN_JEST_STATE: state }, stdio: 'inherit', detached: true },
  );

  const running = new Map();
  let summaryAt;
  let offset = 0;
  const readEvents = () => {
    const text = read(events) ?? '';
    const complete = text.lastIndexOf('\n') + 1;
    for (const line of text.slice(offset, complete).split('\n').filter(Boolean)) {
      const event = JSON.parse(line);
      if (event.event === 'file-start') running.set(event.file, { since: event.at });
      if (event.event === 'test-start' && running.has(event.file)) running.get(event.file).test = event.test;
      if (event.event === 'file-end') running.delete(event.file);
      if (event.event === 'run-complete') summaryAt = event.at;
    }
    offset = complete;
  };

  return new Promise((resolve) => {
    let hung;
    let handled = Promise.resolve();
    // First of the listeners, and the first signal sent at once: a later listener may end this process.
    const stopOnSignal = (signal) => {
      signalAll(runProcesses(child.pid), 'SIGTERM');
      void killRun(child.pid, false).then(() => process.exit(signal === 'SIGINT' ? 130 : 143));
    };
    process.prependOnceListener('SIGINT', stopOnSignal);
    process.prependOnceListener('SIGTERM', stopOnSignal);

    const watch = setInterval(() => {
      readEvents();
      const now = Date.now();
      let reason;
      if (summaryAt !== undefined && now - summaryAt > limits.exit * 1000) {
        reason = `Jest printed its summary ${Math.round((now - summaryAt) / 1000)} s ago and has not exited (limit ${limits.exit} s, RUN_JEST_EXIT_LIMIT_S)`;
      }
      for (const [file, { since, test }] of running) {
        if (!reason && now - since > limits.file * 1000) {
          reason = `${file} has run for ${Math.round((now - since) / 1000)} s (limit ${limits.file} s, RUN_JEST_FILE_LIMIT_S)${test ? `, in test "${test}"` : ''}`;
        }
      }
      if (!reason && now - started > limits.run * 1000) reason = `the run has taken ${Math.round((now - started) / 1000)} s (limit ${limits.run} s, RUN_JEST_LIMIT_S)`;
      if (!reason || hung) return;
      hung = reason;
      clearInterval(watch);
      handled = (async () => {
        say(`${label}: HUNG: ${reason}.`);
        for (const [file, { since, test }] of running) say(`still running: ${file} (for ${Math.round((now - since) / 1000)} s)${test ? `, test "${test}"` : ''}`);
        await describeRun(child.pid, state).catch((error) => say(`(could not describe the run: ${error.message})`));
        say(`killing the run (process group ${child.pid}).`);
        await killRun(child.pid, false);
      })();
    }, 500);

    child.on('exit', (code, signal) => {
      clearInterval(watch);
      readEvents();
      const ended = Date.now();
      const afterSummary = summaryAt === undefined ? 'before any summary' : `${((ended - summaryAt) / 1000).toFixed(1)} s after its summary`;
      const leftOpen = (read(join(state, `exit-${child.pid}.txt`)) ?? '').trim().split('\n').filter(Boolean);
      if (!hung && leftOpen.length) {
        say(`${label}: still open when the Jest process exited (every suite must close what it opens):`);
        for (const line of leftOpen) say(`    ${line}`);
      }
      // The test files' own processes do not outlive the run.
      void handled.then(() => killRun(child.pid, true)).then((leftBehind) => {
        for (const entry of leftBehind) say(`${label}: process ${entry.pid} outlived the run and was killed: ${entry.command}`);
        rmSync(state, { recursive: true, force: true });
        process.removeListener('SIGINT', stopOnSignal);
        process.removeListener('SIGTERM', stopOnSignal);
        const status = hung ? 1 : (code ?? 1);
        const outcome = hung ? `FAILED, hung: ${hung}` : signal ? `killed by ${signal}` : `exit status ${code}`;
        say(`${label}: ${outcome}; ${((ended - started) / 1000).toFixed(1)} s, exited ${afterSummary}.`);
        resolve(status);
      });
    });
  });
}

module.exports = { runJest };

if (require.main === module) {
  runJest(process.argv.slice(2)).then((status) => process.exit(status));
}
