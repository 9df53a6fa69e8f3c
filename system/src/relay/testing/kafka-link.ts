/**
 * The SHARED kafka Toxiproxy link, as the relay's integration tests fault it: the broker
 * advertises that address, so a private proxy would only cover bootstrap. Every test restores it
 * before and after itself, because the dev lab uses the same link.
 */
import { type Proxy, Toxiproxy } from 'toxiproxy-node-client';
import { loadConfig } from '../../config.ts';

export interface KafkaLink {
  proxy(): Promise<Proxy>;
  /** Enabled, without the named toxics; safe to call whatever state the link is in. */
  restore(toxicNames: readonly string[]): Promise<void>;
}

export function kafkaLink(): KafkaLink {
  const config = loadConfig();
  const { host, port } = config.services.toxiproxyApi;
  const toxiproxy = new Toxiproxy(`http://${host}:${port}`);
  const proxy = () => toxiproxy.get(config.links.kafka.proxy);
  return {
    proxy,
    async restore(toxicNames) {
      const link = await proxy();
      if (!link.enabled) await link.update({ enabled: true, listen: link.listen, upstream: link.upstream });
      for (const name of toxicNames) {
        // getToxic rejects when there is no such toxic (HTTP 404): nothing to remove then.
        const toxic = await link.getToxic(name).catch(() => undefined);
        await toxic?.remove();
      }
    },
  };
}
