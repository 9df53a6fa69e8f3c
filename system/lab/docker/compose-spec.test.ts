/**
 * docker-compose.yml read the way Docker reads it: through compose-go (the loader `docker compose`
 * is built on, via ./compose-check), which enforces the compose-spec schema, merges anchors,
 * interpolates `${VAR:-default}` and normalises depends_on and healthchecks. One test per bug the
 * docker path had (issue 12), each reading the resolved model, not the YAML text. Facts about the
 * images come from their own sources and are cited where they are used.
 *
 * No Docker engine runs here: this proves what compose will be told, not what the containers do.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { APP_SERVICES, KNOBS, KNOB_NAMES, ROBUST_STRATEGY, loadConfig } from '../../src/config.ts';
import { readLoad } from '../../../scenarios/k6/lib/load-options.ts';
import { appEntry, appPort } from '../native/app-services.ts';
import { defaultConfig } from './generated-configs.ts';
import {
  ComposeInvalid,
  ensureComposeCheck,
  loadCompose,
  type ComposeModel,
  type ResolvedService,
} from './compose-check.ts';
import {
  COMPOSE_APPS,
  COMPOSE_INFRA,
  COMPOSE_ONE_SHOT,
  composeEnv,
  composeUpCommands,
  containerPath,
  instancesOverrideYaml,
} from './runtime.ts';
import { APP_HEALTH } from './healthcheck.mjs';

// Ports and topics: config.ts defaults (what the compose file mirrors); paths, the tools folder
// included: this environment's, so compose-check is built once per tools folder.
const config = { ...defaultConfig(), paths: loadConfig().paths };
const root = config.paths.repoRoot;
let plain: ComposeModel;
let withLoad: ComposeModel;

beforeAll(async () => {
  await ensureComposeCheck(config); // first run on a machine: a `go build`, then cached
  plain = await loadCompose(config, { files: ['docker-compose.yml'] });
  withLoad = await loadCompose(config, { files: ['docker-compose.yml'], profiles: ['load'] });
}, 600_000);

function svc(model: ComposeModel, name: string): ResolvedService {
  const found = model.services[name];
  if (!found) throw new Error(`the resolved project has no service ${name}`);
  return found;
}

/** Where a path inside a container lands: the mount with the longest target prefix. */
function mountOf(service: ResolvedService, target: string) {
  return (service.volumes ?? [])
    .filter((v) => target === v.target || target.startsWith(`${v.target}/`))
    .sort((a, b) => b.target.length - a.target.length)[0];
}

/**
 * The services one `docker compose up` starts (the named ones and their dependencies), and the
 * one-shot services among them that compose's --wait would count as failed: those no started
 * long-running service depends on with `service_completed_successfully` (docker/compose#10596;
 * compose#9572 made --wait honour that condition).
 */
function unadoptedOneShots(model: ComposeModel, named: readonly string[]): string[] {
  const started = new Set<string>();
  const visit = (name: string): void => {
    if (started.has(name)) return;
    started.add(name);
    for (const dep of Object.keys(svc(model, name).depends_on ?? {})) visit(dep);
  };
  named.forEach(visit);
  const oneShot = (name: string): boolean => svc(model, name).restart === 'no';
  return [...started].filter(
    (name) =>
      oneShot(name) &&
      ![...started].some(
        (other) =>
          !oneShot(other) &&
          svc(model, other).depends_on?.[name]?.condition === 'service_completed_successfully',
      ),
  );
}

describe('docker-compose.yml through the Compose specification loader (compose-go)', () => {
  it('is valid compose-spec, and the loader rejects what the schema forbids', async () => {
    expect(Object.keys(plain.services).sort()).toEqual(
      [...COMPOSE_INFRA, ...COMPOSE_APPS, COMPOSE_ONE_SHOT].sort(),
    );
    expect(withLoad.services.k6).toBeDefined();
    const broken = fs.mkdtempSync(path.join(os.tmpdir(), 'paylab-compose-'));
    fs.writeFileSync(
      path.join(broken, 'bad.yml'),
      'services:\n  x:\n    image: a\n    restart_policy: always\n',
    );
    await expect(loadCompose(config, { files: [path.join(broken, 'bad.yml')] })).rejects.toThrow(
      ComposeInvalid,
    );
    fs.rmSync(broken, { recursive: true, force: true });
  });

  it('kafka: the data volume is where the apache/kafka image really writes (KAFKA_LOG_DIRS)', () => {
    const kafka = svc(plain, 'kafka');
    // apache/kafka docker/resources/common-scripts/configureDefaults: an unset KAFKA_LOG_DIRS
    // becomes /tmp/kraft-combined-logs, which no volume holds.
    const logDirs = kafka.environment?.KAFKA_LOG_DIRS ?? '/tmp/kraft-combined-logs';
    for (const dir of logDirs.split(',')) {
      const mount = mountOf(kafka, dir);
      expect(mount?.type, `${dir} must live on a named volume`).toBe('volume');
      expect(mount?.source).toBe('kafka-data');
    }
    // docker/jvm/Dockerfile: /var/lib/kafka/data is a VOLUME owned by the image's appuser.
    expect(logDirs).toBe('/var/lib/kafka/data');
  });

  it('create-topics: every `up --wait` the docker runtime issues leaves no one-shot unadopted', () => {
    // What the runtime did before (infra named create-topics itself): --wait fails on its exit.
    expect(
      unadoptedOneShots(plain, [
        'db',
        'redis',
        'kafka',
        'toxiproxy',
        'prometheus',
        'grafana',
        'create-topics',
      ]),
    ).toEqual(['create-topics']);
    const cases = [
      { stack: false, instances: { relay: 1, worker: 2 } },
      { stack: true, instances: { relay: 1, worker: 2 } },
      { stack: true, instances: { relay: 0, worker: 1 } },
      { stack: true, instances: { relay: 2, worker: 0 } },
    ];
    for (const { stack, instances } of cases) {
      const commands = composeUpCommands(stack, instances);
      for (const args of commands.filter((a) => a[0] === 'up')) {
        expect(args).toContain('--wait');
        const named = args.slice(1).filter((a) => !a.startsWith('-') && !a.includes('='));
        const model = { ...plain, services: { ...plain.services } };
        for (const name of named) {
          if (!model.services[name]) model.services[name] = svc(plain, name.replace(/-\d$/, ''));
        }
        expect(unadoptedOneShots(model, named), args.join(' ')).toEqual([]);
      }
      // Infrastructure alone still creates the topics, with `run`, which waits for the exit code.
      expect(commands.flat().filter((a) => a === COMPOSE_ONE_SHOT).length, JSON.stringify(commands)).toBe(
        stack ? 0 : 1,
      );
    }
  });

  it('k6: the documented command names a script that exists, has its environment, and writes where it may', () => {
    const k6 = svc(withLoad, 'k6');
    const script = (k6.command ?? []).find((a) => a.endsWith('.ts'));
    expect(script).toBeDefined();
    expect(fs.existsSync(path.join(root, path.relative('/work', script ?? '')))).toBe(true);
    // The compose file's own usage lines name only scripts that exist.
    const header = fs.readFileSync(path.join(root, 'docker-compose.yml'), 'utf8').split('\nname:')[0] ?? '';
    for (const named of header.match(/\/work\/[\w./-]+\.ts/g) ?? [])
      expect(fs.existsSync(path.join(root, path.relative('/work', named))), named).toBe(true);
    const env = k6.environment ?? {};
    expect(() => readLoad(env.PAYLAB_LOAD ?? undefined)).not.toThrow();
    expect(env.PAYLAB_API_URL).toBe(`http://${config.services.api.host}:${config.services.api.port}`);
    // Passed through from the caller (no value in the file): present as a key, never a secret.
    expect(Object.keys(env)).toContain('PAYLAB_API_KEY');
    expect(env.PAYLAB_API_KEY ?? null).toBeNull();
    const summary = env.PAYLAB_SUMMARY_FILE ?? '';
    const mount = mountOf(k6, summary);
    expect(mount?.target).toBe('/work/reports');
    expect(mount?.read_only ?? false).toBe(false);
    // The runner's run folders (reports/<run>/) are inside that writable mount.
    expect(
      mountOf(k6, containerPath(config, path.join(config.paths.reportsDir, 'r1', 'k6-summary.json'))),
    ).toBe(mount);
  });

  it('grafana: the anonymous role may create the chaos engine annotations (Editor, not Viewer)', () => {
    const env = svc(plain, 'grafana').environment ?? {};
    expect(env.GF_AUTH_ANONYMOUS_ENABLED).toBe('true');
    // Grafana's basic roles: Viewer has annotations:read only; Editor adds annotations:create.
    expect(['Editor', 'Admin']).toContain(env.GF_AUTH_ANONYMOUS_ORG_ROLE);
  });

  it('app containers run as the host user (never root), so .lab/secrets.json stays readable', async () => {
    for (const name of COMPOSE_APPS) expect(svc(plain, name).user, name).toBe('1000:1000');
    const asMe = await loadCompose(config, {
      files: ['docker-compose.yml'],
      env: composeEnv(ROBUST_STRATEGY, { uid: 4242, gid: 4343 }, 42),
    });
    for (const name of COMPOSE_APPS) expect(svc(asMe, name).user, name).toBe('4242:4343');
  });

  it('every long-running service has a healthcheck; the apps probe their own port and path', () => {
    for (const [name, service] of Object.entries(plain.services)) {
      if (service.restart === 'no') continue;
      expect(service.healthcheck?.test?.length ?? 0, name).toBeGreaterThan(0);
      expect(service.healthcheck?.disable ?? false, name).toBe(false);
    }
    for (const name of APP_SERVICES) {
      const service = svc(plain, name);
      const probe = service.healthcheck?.test?.find((a) => a.endsWith('.mjs')) ?? '';
      expect(fs.existsSync(path.join(root, path.relative('/work', probe))), probe).toBe(true);
      expect(service.environment?.PAYLAB_SERVICE).toBe(name);
      const health = APP_HEALTH[name];
      expect(health?.port, name).toBe(appPort(config, name, 0));
    }
  });

  it('grafana: pinned at a version that reads the dashboards’ schemaVersion', () => {
    // The newest dashboard schema each Grafana line reads (Grafana's DashboardMigrator): 11.x
    // stops short of 42, the last schema of the v1 dashboard API; the 12.3 line reads it.
    const minimumFor: Record<number, [number, number]> = { 39: [11, 0], 41: [12, 0], 42: [12, 2] };
    const image = svc(plain, 'grafana').image ?? '';
    const m = /^grafana\/grafana:(\d+)\.(\d+)\.\d+$/.exec(image);
    expect(m, image).not.toBeNull();
    const pinned: [number, number] = [Number(m?.[1]), Number(m?.[2])];
    const dir = path.join(root, 'dashboards', 'grafana');
    for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.json'))) {
      const schema = (JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as { schemaVersion: number })
        .schemaVersion;
      const need = minimumFor[schema];
      expect(need, `${file}: schemaVersion ${schema} has no known minimum Grafana`).toBeDefined();
      const [major, minor] = need ?? [99, 0];
      expect(
        pinned[0] > major || (pinned[0] === major && pinned[1] >= minor),
        `${file} needs ${major}.${minor}`,
      ).toBe(true);
    }
  });

  it('app containers start the way the native lab starts them: node on the .ts entry, no tsx loader', () => {
    // Native: process.execPath + [appEntry] (Node strips the types itself; app-services.ts).
    for (const name of APP_SERVICES) {
      const entry = path.relative(root, appEntry(config, name));
      expect(svc(plain, name).command, name).toEqual(['node', entry]);
    }
  });

  it('the Kafka client setting reaches the relay container (kafkajs unless PAYLAB_KAFKA_CLIENT says otherwise)', async () => {
    expect(svc(plain, 'relay').environment?.PAYLAB_KAFKA_CLIENT).toBe('kafkajs');
    const model = await loadCompose(config, {
      files: ['docker-compose.yml'],
      env: { PAYLAB_KAFKA_CLIENT: 'platformatic' },
    });
    expect(svc(model, 'relay').environment?.PAYLAB_KAFKA_CLIENT).toBe('platformatic');
  });

  it('the strategy knobs reach every app container from the environment of `docker compose`', async () => {
    const naive = Object.fromEntries(KNOB_NAMES.map((k) => [k, KNOBS[k].modes[1]])) as typeof ROBUST_STRATEGY;
    const model = await loadCompose(config, {
      files: ['docker-compose.yml'],
      env: composeEnv(naive, { uid: 1000, gid: 1000 }, 7),
    });
    for (const name of COMPOSE_APPS) {
      const env = svc(model, name).environment ?? {};
      for (const knob of KNOB_NAMES) expect(env[KNOBS[knob].env], `${name} ${knob}`).toBe(naive[knob]);
      expect(env.PAYLAB_SEED).toBe('7');
    }
    // Unset: the robust defaults (config.ts's first mode of each knob).
    for (const knob of KNOB_NAMES)
      expect(svc(plain, 'worker').environment?.[KNOBS[knob].env]).toBe(ROBUST_STRATEGY[knob]);
  });

  it('relay/worker instances beyond the first are services of the generated override, each on its own port', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paylab-compose-'));
    const override = path.join(dir, 'compose.instances.yml');
    fs.writeFileSync(
      override,
      instancesOverrideYaml(path.join(root, 'docker-compose.yml'), { relay: 2, worker: 3 }),
    );
    const model = await loadCompose(config, { files: ['docker-compose.yml', override] });
    for (const [name, instance] of [
      ['relay-1', '1'],
      ['worker-1', '1'],
      ['worker-2', '2'],
    ] as const) {
      const extra = svc(model, name);
      expect(extra.environment?.PAYLAB_INSTANCE, name).toBe(instance);
      expect(extra.environment?.PAYLAB_SERVICE, name).toBe(name.replace(/-\d$/, ''));
      expect(extra.user, name).toBe('1000:1000');
      expect(extra.healthcheck?.test, name).toEqual(svc(model, 'worker').healthcheck?.test);
      expect(extra.depends_on?.[COMPOSE_ONE_SHOT]?.condition, name).toBe('service_completed_successfully');
    }
    const none = path.join(dir, 'none.yml');
    fs.writeFileSync(
      none,
      instancesOverrideYaml(path.join(root, 'docker-compose.yml'), { relay: 1, worker: 1 }),
    );
    expect(
      Object.keys((await loadCompose(config, { files: ['docker-compose.yml', none] })).services).sort(),
    ).toEqual(Object.keys(plain.services).sort());
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
