/**
 * A fresh, migrated database per test file, cloned from a template (graphile/worker's trick):
 * the migrations run once per schema version, each clone takes milliseconds, and tests never see
 * each other's rows — nor the rows of the lab database that other tests and services share.
 *
 * Connections go through the db Toxiproxy link like every other client. Creating databases needs
 * the cluster's superuser (the lab's own role may not CREATE DATABASE); the clones are owned by
 * the lab's role, so tests run with exactly the rights the services have.
 */
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import pg from 'pg';
import { databaseUrl, type LabConfig } from '../../config.ts';
import { listMigrations, migrate } from '../migrate.ts';

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** The native lab's cluster superuser (system/lab/native/db.ts), trusted on loopback only. */
const ADMIN_USER = 'postgres';

function adminUrl(config: LabConfig): string {
  const { host, port } = config.links.db.listen;
  return `postgres://${ADMIN_USER}@${host}:${port}/postgres`;
}

/** Different from the migration lock: template builds and migrations must not wait on each other. */
const TEMPLATE_LOCK_KEY = '112971098108097099';

async function templateName(): Promise<string> {
  const hash = createHash('sha256');
  for (const m of await listMigrations()) hash.update(m.name).update(await fs.readFile(m.file));
  return `paylab_tpl_${hash.digest('hex').slice(0, 12)}`;
}

async function ensureTemplate(admin: pg.Client, config: LabConfig): Promise<string> {
  const template = await templateName();
  await admin.query('SELECT pg_advisory_lock($1::bigint)', [TEMPLATE_LOCK_KEY]);
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [template]);
    if (exists.rowCount === 1) return template;
    // Built under another name and renamed when complete, so a crash never leaves a half-migrated template.
    const building = `${template}_wip`;
    await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(building)} WITH (FORCE)`);
    await admin.query(
      `CREATE DATABASE ${pg.escapeIdentifier(building)} OWNER ${pg.escapeIdentifier(config.db.user)}`,
    );
    await migrate(databaseUrl(config, building));
    await admin.query(
      `ALTER DATABASE ${pg.escapeIdentifier(building)} RENAME TO ${pg.escapeIdentifier(template)}`,
    );
    return template;
  } finally {
    await admin.query('SELECT pg_advisory_unlock($1::bigint)', [TEMPLATE_LOCK_KEY]);
  }
}

/** A database with nothing in it (no migrations): for testing the migrator itself. */
export async function createEmptyDatabase(config: LabConfig, label: string): Promise<TestDatabase> {
  return createDatabase(config, label, undefined);
}

export async function createTestDatabase(config: LabConfig, label: string): Promise<TestDatabase> {
  return createDatabase(config, label, ensureTemplate);
}

async function createDatabase(
  config: LabConfig,
  label: string,
  template: ((admin: pg.Client, config: LabConfig) => Promise<string>) | undefined,
): Promise<TestDatabase> {
  const admin = new pg.Client({ connectionString: adminUrl(config), application_name: 'paylab-test-admin' });
  await admin.connect();
  const name = `paylab_test_${label.replace(/\W/g, '_').slice(0, 20)}_${randomBytes(4).toString('hex')}`;
  try {
    // template0 for an empty one: the default template1 may carry whatever someone added to it.
    const source = template ? await template(admin, config) : 'template0';
    await admin.query(
      `CREATE DATABASE ${pg.escapeIdentifier(name)} TEMPLATE ${pg.escapeIdentifier(source)} OWNER ${pg.escapeIdentifier(config.db.user)}`,
    );
  } finally {
    await admin.end();
  }
  return {
    name,
    url: databaseUrl(config, name),
    async drop() {
      const dropper = new pg.Client({
        connectionString: adminUrl(config),
        application_name: 'paylab-test-admin',
      });
      await dropper.connect();
      try {
        await dropper.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
      } finally {
        await dropper.end();
      }
    },
  };
}
