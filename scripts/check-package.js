#!/usr/bin/env node
// The packed module's file list, checked: what a host needs is in the tarball (package.json,
// LICENSE, README, CHANGELOG, every `exports` target, a source map and a declaration map beside
// each compiled file, the sources the maps point to) and nothing else (no specs, no build state);
// then `npm publish --dry-run` of the tarball. Usage: node scripts/check-package.js <tarball>.
const { execFileSync, spawnSync } = require('node:child_process');
const { dirname, join } = require('node:path/posix');

const tarball = process.argv[2];
const files = new Set(
  execFileSync('tar', ['tzf', tarball], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line && !line.endsWith('/'))
    .map((line) => line.replace(/^package\//, '')),
);
const manifest = JSON.parse(execFileSync('tar', ['xzOf', tarball, 'package/package.json'], { encoding: 'utf8' }));
const problems = [];
for (const required of ['package.json', 'LICENSE', 'README.md', 'CHANGELOG.md']) {
  if (!files.has(required)) problems.push(`missing ${required}`);
}
const targets = Object.values(manifest.exports).flatMap((target) => (typeof target === 'string' ? [target] : Object.values(target)));
for (const target of targets) if (!files.has(target.replace(/^\.\//, ''))) problems.push(`exports target ${target} is not packed`);
for (const file of files) {
  const allowed = /^(package\.json|LICENSE|README\.md|CHANGELOG\.md|dist\/.+\.(js|js\.map|d\.ts|d\.ts\.map)|src\/.+\.ts)$/.test(file);
  if (!allowed || /\.spec\.(ts|js|d\.ts)/.test(file)) problems.push(`unexpected ${file}`);
  if (file.endsWith('.js') && !files.has(`${file}.map`)) problems.push(`no source map for ${file}`);
  if (file.endsWith('.d.ts') && !files.has(`${file}.map`)) problems.push(`no declaration map for ${file}`);
  if (file.startsWith('src/') && !files.has(file.replace(/^src\//, 'dist/').replace(/\.ts$/, '.js'))) problems.push(`${file} has no compiled file`);
}
if (!/^Apache License\s+Version 2\.0/.test(execFileSync('tar', ['xzOf', tarball, 'package/LICENSE'], { encoding: 'utf8' }).trim())) {
  problems.push('LICENSE is not the Apache License 2.0');
}
// A host without an optional peer (`@opentelemetry/api`) type-checks the package too, also
// without skipLibCheck: no declaration its exports reach may import one.
const optionalPeers = Object.entries(manifest.peerDependenciesMeta ?? {}).filter(([, meta]) => meta.optional).map(([name]) => name);
const declarationOf = (file) => execFileSync('tar', ['xzOf', tarball, `package/${file}`], { encoding: 'utf8' });
const reached = new Set();
const pending = targets.filter((target) => target.endsWith('.d.ts')).map((target) => target.replace(/^\.\//, ''));
while (pending.length > 0) {
  const file = pending.pop();
  if (reached.has(file) || !files.has(file)) continue;
  reached.add(file);
  for (const [, specifier] of declarationOf(file).matchAll(/(?:from|import\()\s*['"]([^'"]+)['"]/g)) {
    if (optionalPeers.some((peer) => specifier === peer || specifier.startsWith(`${peer}/`))) {
      problems.push(`${file} imports the optional peer ${specifier}`);
    } else if (specifier.startsWith('.')) {
      const path = join(dirname(file), specifier).replace(/\.js$/, '');
      pending.push(`${path}.d.ts`, `${path}/index.d.ts`);
    }
  }
}
if (problems.length > 0) {
  console.error(`The packed module ${tarball}:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
const publish = spawnSync('npm', ['publish', '--dry-run', '--tag', 'dry-run', tarball], { encoding: 'utf8' });
if (publish.status !== 0) {
  console.error(`npm publish --dry-run ${tarball} failed:\n${publish.stdout}${publish.stderr}`);
  process.exit(1);
}
console.log(
  `Packed file list checked (${files.size} files; ${reached.size} declarations reached, none importing ${optionalPeers.join(', ') || 'an optional peer'}); npm publish --dry-run passed.`,
);
