#!/usr/bin/env node
// Packs libs/backup-sharing as a standalone npm package: compiled CommonJS with source maps,
// declarations with declaration maps, the TypeScript sources they point to (no specs), its own
// package.json (peer dependencies on the host's NestJS and TypeORM), README, CHANGELOG, LICENSE.
// Writes dist/packages/nestjs-backup-sharing-<version>.tgz and prints its path.
const { execFileSync } = require('node:child_process');
const { cpSync, mkdirSync, rmSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const library = join(root, 'libs/backup-sharing');
const staging = join(root, 'dist/package/backup-sharing');
const destination = join(root, 'dist/packages');

rmSync(staging, { recursive: true, force: true });
mkdirSync(destination, { recursive: true });
// The sources sit beside dist/ in the package, so that the maps' relative paths resolve there.
cpSync(join(library, 'src'), join(staging, 'src'), { recursive: true, filter: (path) => !path.endsWith('.spec.ts') });
writeFileSync(
  join(staging, 'tsconfig.json'),
  JSON.stringify({
    extends: join(library, 'tsconfig.lib.json'),
    compilerOptions: { rootDir: './src', outDir: './dist' },
    include: ['src'],
  }),
);
execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(staging, 'tsconfig.json')], { stdio: 'inherit' });
rmSync(join(staging, 'tsconfig.json'));
for (const file of ['package.json', 'README.md', 'CHANGELOG.md']) cpSync(join(library, file), join(staging, file));
cpSync(join(root, 'LICENSE'), join(staging, 'LICENSE'));
const [packed] = JSON.parse(
  execFileSync('npm', ['pack', staging, '--pack-destination', destination, '--json'], { encoding: 'utf8' }),
);
console.log(join(destination, packed.filename));
