/** The services the native runtime runs, and where each keeps its pid file and log. */
import path from 'node:path';
import { APP_SERVICES, type AppService, type LabConfig } from '../../src/config.ts';
import { LabError, type ServiceName, type ServiceRef } from '../runtime.ts';
import { appService } from './app-services.ts';
import { dbService } from './db.ts';
import {
  ensureTopics,
  kafkaDefs,
  kafkaService,
  prometheusService,
  redisService,
  toxiproxyService,
} from './infra-services.ts';
import { kafkaNodeService } from './kafka-cluster.ts';
import { labelOf } from './labels.ts';
import type { ServiceDef } from './service-def.ts';

/** Start order: the proxy first (clients and the Kafka health check go through it). */
export function infraDefs(config: LabConfig): ServiceDef[] {
  return [toxiproxyService(), dbService(), redisService(), ...kafkaDefs(config), prometheusService()];
}

export function appDefs(instances: { relay: number; worker: number }): ServiceDef[] {
  return [
    appService('pg-mock', 0),
    appService('api', 0),
    ...Array.from({ length: instances.relay }, (_, i) => appService('relay', i)),
    ...Array.from({ length: instances.worker }, (_, i) => appService('worker', i)),
  ];
}

const isApp = (service: ServiceName): service is AppService =>
  (APP_SERVICES as readonly string[]).includes(service);

export function defFor(config: LabConfig, ref: ServiceRef): ServiceDef {
  const instance = ref.instance ?? 0;
  if (isApp(ref.service)) return appService(ref.service, instance);
  // kafka-1…3 are the cluster's nodes whatever mode this config is in (down must find them).
  if (ref.service === 'kafka')
    return instance === 0 ? kafkaService() : kafkaNodeService(instance, ensureTopics);
  const def = infraDefs(config).find((d) => d.service === ref.service);
  if (!def) throw new LabError(`unknown service ${ref.service}`);
  return def;
}

export function pidFileOf(config: LabConfig, def: Pick<ServiceDef, 'label'>): string {
  return path.join(config.paths.runDir, `${def.label}.pid`);
}

export function logFileOf(config: LabConfig, ref: ServiceRef): string {
  return path.join(config.paths.logsDir, `${labelOf(ref)}.log`);
}
