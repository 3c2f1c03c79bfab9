import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createApp } from '../create-app';
import { loadConfig } from '../config/host.config';
import { OPENAPI_DEMO_ENV, createOpenApiDocument } from './openapi.document';

/**
 * Writes the demo host's OpenAPI document to `openapi.json` (or the path given), as `/docs-json`
 * serves it with the demo configuration. Run by `npm run openapi` after the build:
 * `node dist/src/docs/write-openapi.js [path]`.
 */
async function main(): Promise<void> {
  const target = resolve(process.argv[2] ?? 'openapi.json');
  const config = loadConfig(OPENAPI_DEMO_ENV);
  const app = await createApp(config, { logger: false });
  try {
    const document = createOpenApiDocument(app, config);
    writeFileSync(target, `${JSON.stringify(document, null, 2)}\n`);
    console.log(`Wrote ${target}: ${Object.keys(document.paths).length} paths, ${Object.keys(document.components?.schemas ?? {}).length} schemas.`);
  } finally {
    await app.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
