/** Service labels: the names of pid and log files ("relay-1", "kafka") and the refs they stand for. */
import { APP_SERVICES } from '../../src/config.ts';
import type { ServiceName, ServiceRef } from '../runtime.ts';

export function labelOf(ref: ServiceRef): string {
  // The cluster's brokers are kafka instances 1…3; the single broker is plain "kafka".
  if (ref.service === 'kafka' && (ref.instance ?? 0) > 0) return `kafka-${ref.instance}`;
  return ref.service === 'relay' || ref.service === 'worker'
    ? `${ref.service}-${ref.instance ?? 0}`
    : ref.service;
}

const ALL_SERVICES: readonly ServiceName[] = [
  'db',
  'redis',
  'kafka',
  'toxiproxy',
  'prometheus',
  ...APP_SERVICES,
];

/** "relay-1" → relay instance 1; "kafka" → kafka. Unknown labels → undefined. */
export function parseLabel(label: string): ServiceRef | undefined {
  const match = /^(relay|worker)-(\d+)$/.exec(label);
  if (match) return { service: match[1] as 'relay' | 'worker', instance: Number(match[2]) };
  const broker = /^kafka-([1-9])$/.exec(label);
  if (broker) return { service: 'kafka', instance: Number(broker[1]) };
  return (ALL_SERVICES as readonly string[]).includes(label)
    ? { service: label as ServiceName, instance: 0 }
    : undefined;
}
