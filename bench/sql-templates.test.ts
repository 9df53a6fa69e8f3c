import { describe, expect, it } from 'vitest';
import { bindStatement, captureCreate, pgbenchScripts, sqlLiteral } from './sql-templates.ts';

describe('sqlLiteral', () => {
  it('quotes strings, arrays, dates and objects the way the driver sends them', () => {
    expect(sqlLiteral("it's")).toBe("'it''s'");
    expect(sqlLiteral(['a "b"', 'c'])).toBe(`'{"a \\"b\\"","c"}'`);
    expect(sqlLiteral(new Date('2026-01-02T03:04:05.000Z'))).toBe("U&'2026-01-02T03\\003A04\\003A05.000Z'");
    expect(sqlLiteral({ a: 1 })).toBe(`U&'{"a"\\003A1}'`);
    expect(sqlLiteral('a\\b:')).toBe("U&'a\\005Cb\\003A'");
    expect(sqlLiteral(null)).toBe('NULL');
    expect(sqlLiteral(42)).toBe('42');
    expect(sqlLiteral(true)).toBe('true');
  });
});

describe('bindStatement', () => {
  it('binds $10 and $1 separately, literal or pgbench variable, and drops comments', () => {
    const text = 'SELECT $1, $10 -- a comment\n  , $2::int';
    const values = ['x', 2, ...Array.from({ length: 7 }, () => null), 'ten'];
    expect(bindStatement({ text, values }, { 1: ':pid' })).toBe("SELECT (:pid), 'ten'\n  , 2::int");
  });
  it('refuses a parameter the statement has no value for', () => {
    expect(() => bindStatement({ text: 'SELECT $3', values: [1] })).toThrow(/\$3/);
  });
});

describe('pgbench scripts', () => {
  it('capture the API create statement itself, with no parameter left unbound', async () => {
    const create = await captureCreate();
    expect(create.text).toContain('INSERT INTO idempotency_records');
    const scripts = await pgbenchScripts(100);
    for (const script of [scripts.create, scripts.relay, scripts.worker, scripts.full])
      expect(script).not.toMatch(/\$\d/);
    expect(scripts.create).toContain('INSERT INTO outbox');
    expect(scripts.relay).toMatch(/LIMIT \(?100\)?/);
    expect(scripts.full).toMatch(/LIMIT \(?1\)?\s/);
    expect(scripts.full.match(/UPDATE payments/g)).toHaveLength(2);
  });
});
