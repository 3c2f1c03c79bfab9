import { INestApplication, LoggerService } from '@nestjs/common';
import request from 'supertest';
import TestAgent from 'supertest/lib/agent';
import { DataSource } from 'typeorm';
import { createApp } from '../../src/create-app';
import { loadConfig } from '../../src/config/host.config';
import { DEMO_PROJECTS } from '../../src/config/demo-tokens';
import { createTestDatabase, TestDatabase } from './test-database';

export { DEMO_PROJECTS };
export { DEMO_BACKUPS } from '../../src/backups/demo-seed';

export const TOKENS = {
  owner: 'owner-token',
  recipient: 'recipient-token',
  other: 'other-token',
  admin: 'admin-token',
} as const;

/** The adapter the e2e suite runs the host on: TEST_HTTP_ADAPTER (`npm run test:fastify`), or Express. */
export const testHttpAdapter = process.env.TEST_HTTP_ADAPTER || 'express';

export interface TestHost {
  app: INestApplication;
  /** Base URL of the listening host, e.g. http://127.0.0.1:41234 */
  url: string;
  http: TestAgent;
  dataSource: DataSource;
  database: TestDatabase;
  close(): Promise<void>;
}

export interface TestHostOptions {
  /** Receives the host's log (default: none). */
  logger?: LoggerService;
  /** The URL the host connects with, from the fresh database's own, e.g. through a TCP proxy. */
  routeDatabase?: (url: string) => string;
  /** A database another host also uses (the caller drops it), instead of a fresh one. */
  database?: TestDatabase;
}

/**
 * Starts the demo host exactly as `npm start` builds it, on a fresh database, listening on a
 * random loopback port; tests talk to it over real HTTP.
 */
export async function startTestHost(env: Record<string, string> = {}, options: TestHostOptions = {}): Promise<TestHost> {
  const shared = options.database;
  const database = shared ?? (await createTestDatabase());
  let app: INestApplication | undefined;
  const close = async () => {
    try {
      await app?.close();
    } finally {
      if (!shared) await database.drop();
    }
  };
  try {
    const databaseUrl = options.routeDatabase ? options.routeDatabase(database.url) : database.url;
    // The demo backups, not the demo sharing: the suites count exactly the sharings they make.
    const config = loadConfig({ DATABASE_URL: databaseUrl, DEMO_SEED: 'true', DEMO_SEED_SHARING: 'false', HTTP_ADAPTER: testHttpAdapter, ...env });
    // A host that fails to start is this test's failure, not the end of Jest's process.
    app = await createApp(config, { logger: options.logger ?? false, abortOnError: false });
    await app.listen(0, '127.0.0.1');
    const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    return { app, url, http: request(url), dataSource: app.get(DataSource), database, close };
  } catch (error) {
    // A host that fails to start leaves nothing open behind it: no pool, no server, no admin connection.
    await close().catch(() => undefined);
    throw error;
  }
}

/**
 * Hosts started at the same moment. When one fails, the others are still closed (those that had
 * not finished starting too) before the failure is thrown: nothing is left open behind a test.
 */
export async function startAtOnce(starts: (() => Promise<TestHost>)[]): Promise<TestHost[]> {
  const started = await Promise.allSettled(starts.map((start) => start()));
  const failed = started.find((result) => result.status === 'rejected');
  if (!failed) return started.map((result) => (result as PromiseFulfilledResult<TestHost>).value);
  await Promise.all(started.map((result) => (result.status === 'fulfilled' ? result.value.close() : undefined)));
  throw failed.reason;
}

/** `/v2/{project_id}` of a demo project. */
export function v2(project: keyof typeof DEMO_PROJECTS): string {
  return `/v2/${DEMO_PROJECTS[project]}`;
}

/** The Cinder fault body: one key (the fault name) holding code, message and error_code. */
export function expectFault(body: unknown, status: number, faultName: string): { message: string; error_code: string } {
  expect(Object.keys(body as object)).toEqual([faultName]);
  const fault = (body as Record<string, { code: number; message: string; error_code: string }>)[faultName];
  expect(fault.code).toBe(status);
  expect(typeof fault.message).toBe('string');
  expect(fault.message.length).toBeGreaterThan(0);
  expect(fault.error_code).toMatch(/^BackupSharing\.[A-Za-z]+$/);
  return fault;
}

/** Naive UTC with six fraction digits, what the Go SDK parses. */
export const NAIVE_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}$/;
