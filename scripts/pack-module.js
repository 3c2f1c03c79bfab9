#!/usr/bin/env node
// Packs libs/backup-sharing as a standalone npm package: compiled JavaScript, declarations and
// migrations, with its own package.json (peer dependencies on the host's NestJS and TypeORM).
// Writes dist/packages/nestjs-backup-sharing-<version>.tgz and prints its path.
const { execFileSync } = require('node:child_process');
const { cpSync, mkdirSync, rmSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const library = join(root, 'libs/backup-sharing');
const staging = join(root, 'dist/package/backup-sharing');
const destination = join(root, 'dist/packages');

rmSync(staging, { recursive: true, force: true });
mkdirSync(destination, { recursive: true });
execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(library, 'tsconfig.lib.json')], {
  stdio: 'inherit',
});
cpSync(join(library, 'package.json'), join(staging, 'package.json'));
cpSync(join(library, 'README.md'), join(staging, 'README.md'));
const [packed] = JSON.parse(
  execFileSync('npm', ['pack', staging, '--pack-destination', destination, '--json'], { encoding: 'utf8' }),
);
console.log(join(destination, packed.filename));
