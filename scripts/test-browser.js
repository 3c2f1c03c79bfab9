#!/usr/bin/env node
// Runs the Swagger UI browser test (jest project "browser") in headless Chromium. Chromium
// missing: a plain skip with instructions, or a failure when CI=true. `npm test` does not need it.
const { existsSync } = require('node:fs');
const { runJest } = require('./run-jest');

const chromium = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const ci = process.env.CI === 'true';

if (!existsSync(chromium)) {
  const message = `Chromium is not installed at ${chromium}.`;
  if (ci) {
    console.error(`${message}\nCI=true: the Swagger UI browser test must run, so this is a failure. Install it with: bash scripts/ensure-chromium.sh`);
    process.exit(1);
  }
  console.log(`${message}\nSkipped: the Swagger UI browser test. Install Chromium with \`bash scripts/ensure-chromium.sh\` and run npm run test:browser again.`);
  process.exit(0);
}

runJest(['--selectProjects', 'browser', ...process.argv.slice(2)], {
  env: { ...process.env, CHROMIUM_PATH: chromium },
  label: 'browser suite',
}).then((status) => process.exit(status));
