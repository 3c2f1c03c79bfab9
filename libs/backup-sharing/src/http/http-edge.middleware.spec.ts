import { BackupSharingController } from '../backup-sharing.controller';
import { httpEdgeMiddleware } from './http-edge.middleware';
import { REQUEST_ID_HEADER, requestIdOf } from './request-id.middleware';

/** A raw response that records what a middleware answered. */
function recorder() {
  const headers: Record<string, string | number> = {};
  let body: string | undefined;
  const response = {
    statusCode: 200,
    headersSent: false,
    setHeader: (name: string, value: string | number) => (headers[name.toLowerCase()] = value),
    end: (text?: string) => (body = text),
  };
  return { response, headers, answered: () => (body === undefined ? undefined : { status: response.statusCode, body: JSON.parse(body) }) };
}

function send(method: string, url: string, headers: Record<string, string> = {}) {
  const request = { method, url, originalUrl: url, headers };
  const { response, headers: sent, answered } = recorder();
  let passed = false;
  httpEdgeMiddleware(BackupSharingController)(request, response, () => (passed = true));
  return { passed, answer: answered(), requestId: requestIdOf(request), sent };
}

const SHARING = '/v2/p1/os-vendor-backup-sharing/2b8f3c54-6f6c-4c55-9e0a-6a4a1f1c9a11';

describe('httpEdgeMiddleware', () => {
  it('passes a path the controllers do not serve untouched: no ID, no negotiation', () => {
    const result = send('GET', '/v2/p1/volumes?x=1', { accept: 'text/html' });
    expect(result).toMatchObject({ passed: true, answer: undefined, requestId: undefined });
  });

  it('answers 405 with Allow for a method the path does not serve', () => {
    const result = send('PUT', `${SHARING}?is_backup_id=false`);
    expect(result.passed).toBe(false);
    expect(result.answer).toMatchObject({ status: 405, body: { badMethod: { code: 405, error_code: 'BackupSharing.MethodNotAllowed' } } });
    expect(result.sent.allow).toBe('DELETE, GET, HEAD');
    expect(result.sent[REQUEST_ID_HEADER.toLowerCase()]).toMatch(/^req-/);
  });

  it('gives a served route its request ID and passes it on', () => {
    const result = send('GET', `${SHARING}`);
    expect(result.passed).toBe(true);
    expect(result.requestId).toMatch(/^req-[0-9a-f-]{36}$/);
    expect(result.sent[REQUEST_ID_HEADER.toLowerCase()]).toBe(result.requestId);
  });

  it('negotiates content on a served route: 406 for an Accept without JSON, 415 for a body that is not JSON', () => {
    expect(send('GET', '/v2/p1/os-vendor-backup-sharing/detail', { accept: 'text/html' }).answer).toMatchObject({ status: 406 });
    const posted = send('POST', '/v2/p1/os-vendor-backup-sharing', { 'content-type': 'text/plain', 'content-length': '2' });
    expect(posted.answer).toMatchObject({ status: 415, body: { badMediaType: { code: 415 } } });
  });

  it('matches the paths under a prefix the host mounts them at', () => {
    expect(send('PATCH', `/api/block-storage${SHARING}`).answer).toMatchObject({ status: 405 });
    expect(send('GET', `/api/block-storage${SHARING}`).passed).toBe(true);
  });
});
