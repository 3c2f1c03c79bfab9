import { parseQueryString, queryStringFault, searchOf } from './query-string';

describe('parseQueryString', () => {
  it('splits name=value pairs, decodes them, and gathers a repeated key', () => {
    const query = parseQueryString('a=1&b=x+y%21&a=2&flag&c=');
    expect({ ...query }).toEqual({ a: ['1', '2'], b: 'x y!', flag: '', c: '' });
  });

  it('nests nothing and keeps __proto__ as a key, on an object without a prototype', () => {
    const query = parseQueryString('x[y]=1&__proto__=2');
    expect(Object.getPrototypeOf(query)).toBeNull();
    expect(query['x[y]']).toBe('1');
    expect(query['__proto__']).toBe('2');
  });

  it('keeps a broken escape as written', () => {
    expect(parseQueryString('name=%zz%41&x=%')).toEqual(Object.assign(Object.create(null), { name: '%zzA', x: '%' }));
  });

  it('takes null (Express, no query) as empty', () => {
    expect(Object.keys(parseQueryString(null))).toEqual([]);
  });
});

describe('queryStringFault', () => {
  it.each([
    ['is_backup_id[]=true', '"is_backup_id[]"'],
    ['status%5B%24ne%5D=x', '"status[$ne]"'],
    ['limit=1&limit=2', '"limit"'],
  ])('%s: a 400 naming the key', (search, named) => {
    expect(queryStringFault(search)?.message).toContain(named);
    expect(queryStringFault(search)?.getStatus()).toBe(400);
  });

  it('passes plain, single keys', () => {
    expect(queryStringFault('limit=1&marker=x&name=a%20b')).toBeUndefined();
    expect(queryStringFault('')).toBeUndefined();
  });

  it('judges every query on its own, whatever was judged before', () => {
    // The same sound query twice, then faulty ones that differ from it by a bracket or a repeat.
    expect(queryStringFault('limit=100&sort_key=id')).toBeUndefined();
    expect(queryStringFault('limit=100&sort_key=id')).toBeUndefined();
    expect(queryStringFault('limit=100&sort_key[]=id')?.getStatus()).toBe(400);
    expect(queryStringFault('limit=100&sort_key=id&limit=100')?.getStatus()).toBe(400);
    expect(queryStringFault('limit=100&sort_key=id')).toBeUndefined();
    expect(queryStringFault('limit=1&limit=2')?.getStatus()).toBe(400);
  });

  it('finds the query of a target', () => {
    expect(searchOf('/a?b=1#c')).toBe('b=1');
    expect(searchOf('/a')).toBe('');
  });
});
