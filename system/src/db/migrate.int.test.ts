/** The migrator against a real PostgreSQL: fresh empty databases, migration folders written per test. */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';
import { listMigrations, migrate, MIGRATIONS_DIR } from './migrate.ts';
import { createEmptyDatabase, type TestDatabase } from './testing/test-database.ts';

const config = loadConfig();
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function emptyDatabase(): Promise<TestDatabase> {
  const db = await createEmptyDatabase(config, 'migrate');
  cleanups.push(() => db.drop());
  return db;
}

async function migrationsDir(files: Record<string, string>): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'paylab-migrations-'));
  for (const [name, sql] of Object.entries(files)) await fs.writeFile(path.join(dir, name), sql);
  cleanups.push(() => fs.rm(dir, { recursive: true, force: true }));
  return dir;
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

describe('migrate', () => {
  it('applies the real schema once, even when five processes start at the same moment', async () => {
    const db = await emptyDatabase();
    const results = await Promise.all(Array.from({ length: 5 }, () => migrate(db.url)));
    const all = (await listMigrations()).map((m) => m.version);
    expect(results.flat().sort()).toEqual(all);
    expect(results.filter((r) => r.length > 0)).toHaveLength(1);
    expect(await migrate(db.url)).toEqual([]);
    const tables = await query<{ table_name: string }>(
      db.url,
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1`,
    );
    expect(tables.map((t) => t.table_name)).toEqual(
      expect.arrayContaining([
        'payments',
        'payment_items',
        'payment_history',
        'outbox',
        'idempotency_records',
        'processed_events',
        'schema_migrations',
      ]),
    );
  });

  it('rolls a failing migration back entirely and records nothing for it', async () => {
    const db = await emptyDatabase();
    const dir = await migrationsDir({
      '000001_a.sql': 'CREATE TABLE a (id int);',
      '000002_b.sql': 'CREATE TABLE b (id int); SELECT 1/0;',
    });
    await expect(migrate(db.url, () => {}, dir)).rejects.toThrow(/000002_b\.sql failed and was rolled back/);
    const tables = await query<{ t: string | null }>(
      db.url,
      `SELECT to_regclass('a')::text AS t UNION ALL SELECT to_regclass('b')::text`,
    );
    expect(tables.map((r) => r.t)).toEqual(['a', null]);
    const versions = await query<{ version: string }>(db.url, 'SELECT version FROM schema_migrations');
    expect(versions.map((v) => v.version)).toEqual(['000001']);
  });

  it('refuses a new migration numbered before one already applied (forward-only)', async () => {
    const db = await emptyDatabase();
    await migrate(db.url, () => {}, await migrationsDir({ '000002_b.sql': 'CREATE TABLE b (id int);' }));
    const later = await migrationsDir({
      '000001_a.sql': 'CREATE TABLE a (id int);',
      '000002_b.sql': 'CREATE TABLE b (id int);',
    });
    await expect(migrate(db.url, () => {}, later)).rejects.toThrow(/forward-only/);
  });

  it('lists only numbered .sql files, in order, and refuses two files with one number', async () => {
    expect((await listMigrations(MIGRATIONS_DIR))[0]?.version).toBe('000001');
    const dir = await migrationsDir({
      '000002_b.sql': '',
      '000001_a.sql': '',
      'notes.md': '',
      '000003.sql.bak': '',
    });
    expect((await listMigrations(dir)).map((m) => m.name)).toEqual(['000001_a.sql', '000002_b.sql']);
    const clash = await migrationsDir({ '000001_a.sql': '', '000001_b.sql': '' });
    await expect(listMigrations(clash)).rejects.toThrow(/share version 000001/);
  });
});
