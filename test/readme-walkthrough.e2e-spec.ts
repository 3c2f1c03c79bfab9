import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { HostProcess, buildHost, startHostProcess } from './support/host-process';

// The README's curl walk-through, run as written with bash against the host as `npm start` runs it
// (a host process on a fresh SQLite file, demo data seeded): every step's printed status must be
// the one its comment promises.

const README = join(__dirname, '..', 'README.md');
const SECTION = '## Try it with curl';

interface Step {
  /** The step's lines, as in the README. */
  lines: string[];
  /** The statuses its commands print, in order: the comment's `-> NNN`, then inline `# -> NNN`. */
  expected: number[];
}

/** The first `sh` block of the walk-through section, cut into steps at blank lines. */
function walkthroughSteps(): Step[] {
  const readme = readFileSync(README, 'utf8');
  const section = readme.slice(readme.indexOf(SECTION));
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1];
  if (!readme.includes(SECTION) || !block) throw new Error(`README.md: no sh block under "${SECTION}"`);
  return block
    .trimEnd()
    .split(/\n\s*\n/)
    .map((chunk) => {
      const lines = chunk.split('\n');
      const comment = lines.filter((line) => line.startsWith('#')).pop() ?? '';
      const commands = lines.filter((line) => !line.startsWith('#'));
      const expected = [comment, ...commands.map((line) => /#\s*->.*$/.exec(line)?.[0] ?? '')]
        .map((text) => /->\s*(\d{3})\b/.exec(text)?.[1])
        .filter((status): status is string => status !== undefined)
        .map(Number);
      return { lines, expected };
    });
}

describe("the README's curl walk-through, as written", () => {
  let folder: string;
  let host: HostProcess;

  beforeAll(async () => {
    buildHost();
    folder = mkdtempSync(join(tmpdir(), 'backup-sharing-readme-'));
    host = await startHostProcess({
      DATABASE_URL: `sqlite:${join(folder, 'block-storage.sqlite')}`,
      DEMO_SEED: 'true',
      DEMO_SEED_SHARING: 'true',
      LOG_FORMAT: 'json',
    });
  }, 180_000);
  afterAll(async () => {
    await host?.stop();
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  it('promises a status for every command that prints one', () => {
    const steps = walkthroughSteps();
    expect(steps.length).toBeGreaterThan(15);
    for (const step of steps) {
      // A line of its own that starts with curl prints a status; one inside $(...) prints nothing.
      const printing = step.lines.filter((line) => line.startsWith('curl ')).length;
      expect({ step: step.lines[0], promised: step.expected.length }).toEqual({ step: step.lines[0], promised: printing });
    }
  });

  it('prints, step by step, the status each comment promises', () => {
    const steps = walkthroughSteps();
    // Between the steps, a marker line: the commands themselves run exactly as written.
    const script = ['set -u', ...steps.flatMap((step, index) => [`echo '@@step ${index}'`, ...step.lines])].join('\n');
    const port = new URL(host.url).port;
    const run = spawnSync('bash', ['-c', script], {
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, PORT: port, PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}` },
    });
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });

    const printed = run.stdout.split(/^@@step \d+\n/m).slice(1);
    expect(printed).toHaveLength(steps.length);
    for (const [index, step] of steps.entries()) {
      const statuses = printed[index]
        .split('\n')
        .filter((line) => /^\d{3}$/.test(line))
        .map(Number);
      expect({ step: step.lines[0], statuses, output: statuses.length === step.expected.length ? '' : printed[index] }).toEqual({
        step: step.lines[0],
        statuses: step.expected,
        output: '',
      });
    }
    // The walk-through's own claims about bodies, besides the statuses.
    expect(run.stdout).toContain('{"count":2}');
    expect(run.stdout).toContain('{"count":0}');
    expect(run.stdout).toContain('BackupSharing.BackupEncrypted');
    expect(run.stdout).toContain('BackupSharing.BackupNotAvailable');
    expect(run.stdout).toContain('BackupSharing.AlreadyShared');
  });
});
