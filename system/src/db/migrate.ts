/**
 * Forward-only schema migrations: numbered plain-SQL files in system/sql/ (000001_init.sql, …),
 * each applied in its own transaction and recorded in schema_migrations.
 *
 * Several processes may start at once (the lab runtime, api, relay and worker all call this), so
 * the whole run holds a session advisory lock: the second caller waits, then finds nothing to do.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { REPO_ROOT } from '../config.ts';

export const MIGRATIONS_DIR = path.join(REPO_ROOT, 'system', 'sql');

/** Arbitrary but fixed: every paylab process must agree on it. ("paylab" in ASCII, as a bigint.) */
const MIGRATION_LOCK_KEY = '112971098108097098';

const FILE_PATTERN = /^(\d{6})_[\w-]+\.sql$/;

export interface Migration {
  version: string;
  name: string;
  file: string;
}

/** The migration files on disk, in version order. Duplicate versions are a mistake we refuse. */
export async function listMigrations(dir: string = MIGRATIONS_DIR): Promise<Migration[]> {
  const entries = await fs.readdir(dir);
  const migrations: Migration[] = [];
  for (const name of entries) {
    const match = FILE_PATTERN.exec(name);
    if (!match?.[1]) continue;
    migrations.push({ version: match[1], name, file: path.join(dir, name) });
  }
  migrations.sort((a, b) => a.version.localeCompare(b.version));
  for (let i = 1; i < migrations.length; i++) {
    if (migrations[i]?.version === migrations[i - 1]?.version) {
      throw new Error(`two migrations share version ${migrations[i]?.version} in ${dir}; renumber one`);
    }
  }
  return migrations;
}

/**
 * Applies every migration newer than the database's and returns the versions it applied
 * (empty when the schema was already current).
 */
export async function migrate(
  connectionString: string,
  log: (line: string) => void = () => {},
  dir: string = MIGRATIONS_DIR,
): Promise<string[]> {
  const migrations = await listMigrations(dir);
  const client = new pg.Client({ connectionString, application_name: 'paylab-migrate' });
  await client.connect();
  const applied: string[] = [];
  try {
    await client.query('SELECT pg_advisory_lock($1::bigint)', [MIGRATION_LOCK_KEY]);
    try {
      await client.query(`
        CREATE TABLE IF NOT EXISTS schema_migrations (
          version    text PRIMARY KEY,
          name       text NOT NULL,
          applied_at timestamptz NOT NULL DEFAULT now()
        )`);
      const done = await client.query<{ version: string }>('SELECT version FROM schema_migrations');
      const doneVersions = new Set(done.rows.map((r) => r.version));
      const newest = [...doneVersions].sort().at(-1);
      const known = new Set(migrations.map((m) => m.version));
      for (const version of doneVersions) {
        if (!known.has(version)) {
          // Forward-only: a database ahead of this code is a newer deploy; running old code on it is
          // allowed, but say so instead of silently continuing.
          log(`migrate: database has version ${version}, which this code does not know`);
        }
      }
      for (const migration of migrations) {
        if (doneVersions.has(migration.version)) continue;
        if (newest !== undefined && migration.version < newest) {
          throw new Error(
            `migration ${migration.name} is older than the applied version ${newest}; ` +
              'migrations are forward-only: give it a number after the newest',
          );
        }
        const sql = await fs.readFile(migration.file, 'utf8');
        const started = Date.now();
        await client.query('BEGIN');
        try {
          await client.query(sql);
          await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
            migration.version,
            migration.name,
          ]);
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK').catch(() => {});
          throw new Error(`migration ${migration.name} failed and was rolled back: ${errorMessage(error)}`, {
            cause: error,
          });
        }
        applied.push(migration.version);
        log(`migrate: applied ${migration.name} in ${Date.now() - started} ms`);
      }
    } finally {
      await client.query('SELECT pg_advisory_unlock($1::bigint)', [MIGRATION_LOCK_KEY]).catch(() => {});
    }
  } finally {
    await client.end();
  }
  return applied;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
