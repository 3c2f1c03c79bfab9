#!/usr/bin/env node
// Prepares the foreign-host test: packs the module, installs the tarball into
// test/foreign-host/node_modules (peers resolve to this repository's NestJS and TypeORM, as a
// host's own would), extracts the README's embedding example, and type-checks both against the
// package's declarations.
const { execFileSync } = require('node:child_process');
const { mkdirSync, readFileSync, rmSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const host = join(root, 'test/foreign-host');
const run = (command, args, options = {}) => execFileSync(command, args, { cwd: root, stdio: 'inherit', ...options });

const tarball = execFileSync(process.execPath, [join(__dirname, 'pack-module.js')], { cwd: root, encoding: 'utf8' })
  .trim()
  .split('\n')
  .pop();
// Same version, new build: remove the old copy so npm cannot call it up to date.
rmSync(join(host, 'node_modules/nestjs-backup-sharing'), { recursive: true, force: true });
run('npm', ['install', '--no-save', '--no-package-lock', '--legacy-peer-deps', '--no-audit', '--no-fund', tarball], {
  cwd: host,
});
// The README's embedding example, exactly as written, becomes a module of the foreign host.
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const section = readme.slice(readme.indexOf('## Embedding in your NestJS API'));
const example = section.match(/```ts\n([\s\S]*?)```/);
if (!example) throw new Error('README.md: no ts example under "Embedding in your NestJS API"');
mkdirSync(join(host, 'readme-example'), { recursive: true });
writeFileSync(join(host, 'readme-example/app.module.ts'), example[1]);
run(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(host, 'tsconfig.json')]);
console.log(`Foreign host ready with ${tarball}`);
