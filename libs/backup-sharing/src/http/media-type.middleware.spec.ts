import { acceptsJson, hasBody, isJsonContentType } from './media-type.middleware';

describe('acceptsJson', () => {
  it.each([undefined, '', '*/*', 'application/*', 'application/json', 'APPLICATION/JSON', 'text/html, */*;q=0.1', 'application/json;q=0.5, text/html', ['text/html', 'application/json']])(
    'admits %p',
    (accept) => expect(acceptsJson(accept)).toBe(true),
  );

  it.each(['text/html', 'application/xml', 'text/*', 'garbage', 'application/json;q=0', 'application/json;q=0, */*', '*/*;q=0', 'application/*;q=0, */*;q=1'])(
    'excludes %p',
    (accept) => expect(acceptsJson(accept)).toBe(false),
  );
});

describe('hasBody / isJsonContentType', () => {
  it('sees a body by its length or chunked encoding', () => {
    expect(hasBody({ 'content-length': '2' })).toBe(true);
    expect(hasBody({ 'transfer-encoding': 'chunked' })).toBe(true);
    expect(hasBody({ 'content-length': '0' })).toBe(false);
    expect(hasBody({})).toBe(false);
  });

  it('takes application/json with any parameters, nothing else', () => {
    expect(isJsonContentType('application/json; charset=utf-8')).toBe(true);
    expect(isJsonContentType('Application/JSON')).toBe(true);
    expect(isJsonContentType('application/json-patch+json')).toBe(false);
    expect(isJsonContentType('text/plain')).toBe(false);
    expect(isJsonContentType(undefined)).toBe(false);
  });
});
