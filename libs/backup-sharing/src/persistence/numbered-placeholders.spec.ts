import { numberPlaceholders, numberedStatement } from './numbered-placeholders';

describe('numberPlaceholders', () => {
  it('numbers every placeholder in order', () => {
    expect(numberPlaceholders('SELECT id FROM t WHERE a = ? AND b IN (?, ?) LIMIT ? OFFSET ?')).toBe(
      'SELECT id FROM t WHERE a = $1 AND b IN ($2, $3) LIMIT $4 OFFSET $5',
    );
  });

  it('leaves a statement without placeholders as it is', () => {
    expect(numberPlaceholders('SELECT 1 AS one')).toBe('SELECT 1 AS one');
  });

  it('keeps a ? inside a string literal or a quoted identifier', () => {
    expect(numberPlaceholders(`SELECT '?', "col?" FROM t WHERE name LIKE ? ESCAPE '!' AND x = ?`)).toBe(
      `SELECT '?', "col?" FROM t WHERE name LIKE $1 ESCAPE '!' AND x = $2`,
    );
  });

  it("reads a doubled quote as part of the string, not as its end", () => {
    expect(numberPlaceholders(`SELECT 'it''s ?' , ? FROM t WHERE a = 'b''' AND c = ?`)).toBe(
      `SELECT 'it''s ?' , $1 FROM t WHERE a = 'b''' AND c = $2`,
    );
  });

  it('rewrites a statement text once and answers the same text after', () => {
    const sql = `SELECT ${'x, '.repeat(3)}? AS cached`;
    expect(numberedStatement(sql)).toBe(`SELECT ${'x, '.repeat(3)}$1 AS cached`);
    expect(numberedStatement(sql)).toBe(numberedStatement(sql));
  });
});
