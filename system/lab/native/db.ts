/**
 * PostgreSQL from Debian's packages, with the lab's own data directory and port.
 *
 * PostgreSQL refuses to run as root, so as root the lab runs it as the `postgres` system user.
 * That user cannot traverse a repository cloned under /root (mode 700), so the data directory
 * then lives in a lab-owned place outside the repository, keyed by the lab folder's path
 * (/var/lib/paylab/<name>-<hash>/db), and <state>/db is a symlink to it so it is still found
 * under the state folder. As a normal user PostgreSQL runs as that user in <state>/db directly.
 * Only loopback TCP with trust auth is accepted: there is no password that could leak.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { databaseUrl, type LabConfig } from '../../src/config.ts';
import { runOrThrow } from './exec.ts';
import { sqlSelectOne } from './probes.ts';
import { observe } from './supervisor.ts';
import type { LabContext, ServiceDef } from './service-def.ts';
import { lookupUser, type SystemUser } from './users.ts';

const SUPERUSER = 'postgres';

function runsAsRoot(): boolean {
  return process.getuid?.() === 0;
}

export function dbOwner(): SystemUser | undefined {
  if (!runsAsRoot()) return undefined;
  const user = lookupUser('postgres');
  if (!user) {
    throw new Error(
      "PostgreSQL refuses to run as root and there is no 'postgres' system user; install postgresql (apt-get install -y postgresql) or create the user (adduser --system postgres)",
    );
  }
  return user;
}

/** Where the cluster's files live (see the file comment for why root differs). */
export function dbDataDir(config: LabConfig): string {
  if (!runsAsRoot()) return path.join(config.paths.stateDir, 'db');
  const key = createHash('sha256').update(config.paths.labDir).digest('hex').slice(0, 12);
  const name = path.basename(config.paths.repoRoot).replace(/[^A-Za-z0-9_.-]/g, '_');
  return path.join('/var/lib/paylab', `${name}-${key}`, 'db');
}

/** Removes the cluster's files wherever they live (reset). */
export function removeDbData(config: LabConfig): void {
  const dataDir = dbDataDir(config);
  fs.rmSync(path.join(config.paths.stateDir, 'db'), { recursive: true, force: true });
  if (runsAsRoot()) fs.rmSync(path.dirname(dataDir), { recursive: true, force: true });
  else fs.rmSync(dataDir, { recursive: true, force: true });
}

function superuserConnection(config: LabConfig, database = 'postgres'): pg.ClientConfig {
  return { host: config.services.db.host, port: config.services.db.port, user: SUPERUSER, database };
}

const PG_HBA = `# Written by the paylab lab: loopback TCP only, trust (no password exists to leak).
host all all 127.0.0.1/32 trust
`;

async function initCluster(ctx: LabContext): Promise<void> {
  const dataDir = dbDataDir(ctx.config);
  const owner = dbOwner();
  fs.mkdirSync(path.dirname(dataDir), { recursive: true, mode: 0o755 });
  if (owner) fs.chownSync(path.dirname(dataDir), owner.uid, owner.gid);
  const link = path.join(ctx.config.paths.stateDir, 'db');
  if (link !== dataDir) {
    fs.mkdirSync(ctx.config.paths.stateDir, { recursive: true });
    fs.rmSync(link, { recursive: true, force: true });
    fs.symlinkSync(dataDir, link);
  }
  if (fs.existsSync(path.join(dataDir, 'PG_VERSION'))) return;
  // A half-finished initdb leaves a directory initdb refuses to reuse.
  fs.rmSync(dataDir, { recursive: true, force: true });
  ctx.sink(`  initdb ${dataDir}`);
  await runOrThrow(
    'initdb',
    path.join(ctx.tools.postgresBin, 'initdb'),
    ['-D', dataDir, '-U', SUPERUSER, '--auth=trust', '--encoding=UTF8', '--locale=C.UTF-8'],
    {
      uid: owner?.uid,
      gid: owner?.gid,
      cwd: '/',
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C.UTF-8' },
    },
  );
  fs.writeFileSync(path.join(dataDir, 'pg_hba.conf'), PG_HBA);
  if (owner) fs.chownSync(path.join(dataDir, 'pg_hba.conf'), owner.uid, owner.gid);
}

/** A postmaster.pid left by a crash whose pid now belongs to another process blocks the start. */
function clearForeignPostmasterPid(dataDir: string): void {
  const file = path.join(dataDir, 'postmaster.pid');
  let pid: number;
  try {
    pid = Number(fs.readFileSync(file, 'utf8').split('\n')[0]);
  } catch {
    return;
  }
  const observed = Number.isInteger(pid) && pid > 0 ? observe(pid) : undefined;
  const isThisCluster = observed?.cmdline.some((arg) => arg.includes(dataDir)) ?? false;
  if (!isThisCluster) fs.rmSync(file, { force: true });
}

async function ensureRoleAndDatabase(ctx: LabContext): Promise<void> {
  const { user, database } = ctx.config.db;
  const client = new pg.Client(superuserConnection(ctx.config));
  await client.connect();
  try {
    const ident = (name: string): string => `"${name.replace(/"/g, '""')}"`;
    const role = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [user]);
    if (role.rowCount === 0) await client.query(`CREATE ROLE ${ident(user)} LOGIN`);
    const db = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (db.rowCount === 0) await client.query(`CREATE DATABASE ${ident(database)} OWNER ${ident(user)}`);
  } finally {
    await client.end();
  }
}

export function dbService(): ServiceDef {
  return {
    service: 'db',
    instance: 0,
    label: 'db',
    address: (config) => `${config.services.db.host}:${config.services.db.port}`,
    tools: ['db'],
    prepare: async (ctx) => {
      await initCluster(ctx);
      clearForeignPostmasterPid(dbDataDir(ctx.config));
    },
    launch: (ctx) => {
      const dataDir = dbDataDir(ctx.config);
      const owner = dbOwner();
      return {
        cmd: path.join(ctx.tools.postgresBin, 'postgres'),
        args: [
          '-D',
          dataDir,
          '-c',
          `listen_addresses=${ctx.config.services.db.host}`,
          '-c',
          `port=${ctx.config.services.db.port}`,
          // No Unix socket: Debian's default socket folder belongs to the system's own cluster.
          '-c',
          'unix_socket_directories=',
          '-c',
          'max_connections=200',
          '-c',
          'log_line_prefix=%m [%p] ',
        ],
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C.UTF-8' },
        cwd: '/',
        marker: dataDir,
        uid: owner?.uid,
        gid: owner?.gid,
      };
    },
    healthy: (ctx) => sqlSelectOne(superuserConnection(ctx.config)),
    afterStart: ensureRoleAndDatabase,
    // SIGINT is PostgreSQL's fast shutdown; SIGTERM would wait for every client to leave.
    stopSignal: 'SIGINT',
    graceMs: 20_000,
    startTimeoutMs: 60_000,
  };
}

/** Applies the schema through the db proxy with the migrate() another module owns. */
export async function applyMigrations(
  config: LabConfig,
  log: (line: string) => void,
): Promise<string[] | undefined> {
  const modulePath = path.join(config.paths.repoRoot, 'system', 'src', 'db', 'migrate.ts');
  if (!fs.existsSync(modulePath)) {
    log(`  ! ${path.relative(config.paths.repoRoot, modulePath)} does not exist yet: migrations skipped`);
    return undefined;
  }
  const mod: unknown = await import(modulePath);
  const migrate = (mod as { migrate?: unknown }).migrate;
  if (typeof migrate !== 'function') {
    log('  ! system/src/db/migrate.ts exports no migrate(): migrations skipped');
    return undefined;
  }
  const applied: unknown = await (migrate as (url: string, log?: (line: string) => void) => Promise<unknown>)(
    databaseUrl(config),
    (line) => log(`  ${line}`),
  );
  return Array.isArray(applied) ? applied.map(String) : [];
}
