#!/usr/bin/env node
// The packed module: its file list checked (scripts/check-package.js), then in two foreign hosts, each installed as another team would install it: plain
// `npm install` of the tarball (no --legacy-peer-deps), `npm ls` clean, the host's own `tsc`, then
// its own test runner against MariaDB on Express and Fastify:
// - test/foreign-host/nest11-cjs: NestJS 11, CommonJS, Jest, TypeORM 0.3 (with the README's
//   embedding example, extracted as written);
// - test/foreign-host/nest12-esm: NestJS 12, `"type": "module"`, `nodenext`, vitest, TypeORM 1.x.
// Each host is copied to dist/foreign-hosts/<name> (test/foreign-host/shared/ holds the app and the
// scenario both run) and installs there, with npm's cache in .cache/npm: the first run downloads
// the hosts' dependencies from the registry, later runs reuse the cache and the installed tree.
// MYSQL_URL names the server and the base database name (default
// mysql://root@127.0.0.1:3306/backup_sharing_test); each test file makes its own schema. Unreachable
// MariaDB: a skip, or a failure with CI=true. FOREIGN_HOSTS=nest12-esm runs one host.
const { execFileSync, spawnSync } = require('node:child_process');
const { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { connectMysqlServer, mysqlUrl } = require('./database-servers');

const root = join(__dirname, '..');
const sources = join(root, 'test/foreign-host');
const cache = join(root, '.cache/npm');
const url = mysqlUrl();
const hosts = (process.env.FOREIGN_HOSTS || 'nest11-cjs,nest12-esm').split(',');

// npm, as a host's developer runs it: none of the settings `npm test` passes to its scripts.
const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name)));

function run(command, args, cwd, env = {}) {
  const started = Date.now();
  const result = spawnSync(command, args, { cwd, stdio: 'inherit', env: { ...cleanEnv, ...env } });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed in ${cwd} (exit ${result.status})`);
  return Date.now() - started;
}

async function mariadbReachable() {
  try {
    await (await connectMysqlServer(url, 5000)).end();
    return true;
  } catch (error) {
    const message = `MySQL/MariaDB is not reachable at ${url.host}: ${error.message}`;
    if (process.env.CI === 'true') throw new Error(`${message}\nCI=true: the foreign hosts must run, so this is a failure.`);
    console.log(`${message}\nSkipped: the foreign hosts. Start MariaDB 10.11+ (or set MYSQL_URL) and run npm test again.`);
    return false;
  }
}

/** The host's committed files, the shared app and scenario, and (NestJS 11) the README's example. */
function prepare(name) {
  const work = join(root, 'dist/foreign-hosts', name);
  mkdirSync(work, { recursive: true });
  cpSync(join(sources, name), work, { recursive: true });
  for (const file of ['foreign-app.module.ts', 'sharing-database.ts']) cpSync(join(sources, 'shared', file), join(work, 'src', file));
  cpSync(join(sources, 'shared/sharing.e2e-spec.ts'), join(work, 'test/sharing.e2e-spec.ts'));
  if (name === 'nest11-cjs') {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const heading = '### The whole host in one file';
    const example = readme.includes(heading) ? readme.slice(readme.indexOf(heading)).match(/```ts\n([\s\S]*?)```/) : null;
    if (!example) throw new Error(`README.md: no ts example under "${heading}"`);
    mkdirSync(join(work, 'src/readme-example'), { recursive: true });
    writeFileSync(join(work, 'src/readme-example/app.module.ts'), example[1]);
  }
  return work;
}

async function main() {
  const tarball = execFileSync(process.execPath, [join(__dirname, 'pack-module.js')], { cwd: root, encoding: 'utf8' })
    .trim()
    .split('\n')
    .pop();
  run(process.execPath, [join(__dirname, 'check-package.js'), tarball], root);
  if (!(await mariadbReachable())) return;
  const npm = ['--cache', cache, '--prefer-offline', '--no-audit', '--no-fund'];
  for (const name of hosts) {
    console.log(`\nForeign host ${name}, with ${tarball}`);
    const work = prepare(name);
    // Same version, new build: the old copy goes, so that npm cannot call it up to date.
    rmSync(join(work, 'node_modules/nestjs-backup-sharing'), { recursive: true, force: true });
    const installMs = run('npm', ['install', ...npm, tarball], work);
    const ls = spawnSync('npm', ['ls', '--all'], { cwd: work, env: cleanEnv, encoding: 'utf8' });
    if (ls.status !== 0) throw new Error(`npm ls --all failed in ${work}:\n${ls.stdout}${ls.stderr}`);
    const typecheckMs = run('npm', ['run', 'typecheck'], work);
    const database = new URL(url.toString());
    database.pathname = `${url.pathname}_${name.replace(/-/g, '_')}`;
    const testMs = run('npm', ['run', 'test:e2e'], work, { FOREIGN_HOST_DATABASE_URL: database.toString() });
    console.log(`Foreign host ${name}: npm install ${installMs} ms, npm ls clean, tsc ${typecheckMs} ms, tests ${testMs} ms`);
  }
}

main().catch((error) => {
  console.error(error.message);
  process.exit(1);
});
