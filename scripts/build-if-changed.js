#!/usr/bin/env node
// Compiles the demo host (tsc -p tsconfig.build.json) only when a source is newer than the last
// build: `npm start` runs it first (prestart), so a start with nothing changed skips the ~10-30 s
// of tsc, and the test files that run the host as a process call it before they start one.
//
// Test files run in parallel workers, and tsc rewrites the files of dist/ in place: a host started
// while another worker builds could load a file half written (an empty main.js runs and exits
// without a word). So one process builds, under a lock (a directory, created atomically), and the
// others wait for it and start from the same build.
//
//   node scripts/build-if-changed.js          (prints whether it built)
//   require('./build-if-changed').buildIfChanged() -> true when it compiled
const { execFileSync } = require('node:child_process');
const { mkdirSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const ROOT = join(__dirname, '..');
const DIST = join(ROOT, 'dist');
/** Written after each build, stamped with the time it started: current while no source is newer. */
const BUILT = join(DIST, '.built');
/** Held while one process builds; a lock older than this was left by a build that died. */
const LOCK = join(DIST, '.building');
const STALE_LOCK_MS = 5 * 60_000;
/** Files besides the .ts sources whose change changes the output. */
const BUILD_INPUTS = ['tsconfig.json', 'tsconfig.build.json', 'package-lock.json'];
/** Outputs that must exist: a dist/ emptied by hand is rebuilt. */
const OUTPUTS = [join(DIST, 'src/main.js'), join(DIST, 'libs/backup-sharing/src/index.js')];

const mtimeOf = (path) => {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
};

/** The newest modification time of the sources the build reads. */
function newestSource() {
  let newest = Math.max(...BUILD_INPUTS.map((name) => mtimeOf(join(ROOT, name)) ?? 0));
  const visit = (folder) => {
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

const isCurrent = () => {
  const built = mtimeOf(BUILT);
  return built !== undefined && built >= newestSource() && OUTPUTS.every((output) => mtimeOf(output) !== undefined);
};

const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/** Builds when a source is newer than the last build; waits for a build another process runs. */
function buildIfChanged({ stdio = 'inherit' } = {}) {
  mkdirSync(DIST, { recursive: true });
  for (;;) {
    if (isCurrent()) return false;
    try {
      mkdirSync(LOCK);
    } catch {
      const locked = mtimeOf(LOCK);
      if (locked !== undefined && Date.now() - locked > STALE_LOCK_MS) rmSync(LOCK, { recursive: true, force: true });
      sleep(200);
      continue;
    }
    try {
      // Checked again under the lock: another process may have finished a build meanwhile.
      if (isCurrent()) return false;
      const started = Date.now();
      execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.build.json')], { cwd: ROOT, stdio });
      // Stamped with the time the build started: a source saved during it counts as newer.
      writeFileSync(BUILT, '');
      const stamp = new Date(started);
      utimesSync(BUILT, stamp, stamp);
      return true;
    } finally {
      rmSync(LOCK, { recursive: true, force: true });
    }
  }
}

module.exports = { buildIfChanged };

if (require.main === module) {
  const started = Date.now();
  process.stdout.write('build: checking whether a source changed since the last build...\n');
  try {
    const built = buildIfChanged();
    process.stdout.write(built ? `build: compiled in ${((Date.now() - started) / 1000).toFixed(1)} s\n` : 'build: nothing changed, dist/ is current\n');
  } catch {
    // tsc has printed its errors.
    process.exit(1);
  }
}
