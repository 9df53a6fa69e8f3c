/**
 * LISTEN on the outbox channel with a dedicated connection (a pooled one would lose the
 * subscription when returned). NOTIFY is only a hint: when the link drops, the listener
 * reconnects with backoff while the relay keeps polling, so nothing waits on it.
 */
import pg from 'pg';
import { backoffDelayMs } from './backoff.ts';

export interface OutboxListener {
  close(): Promise<void>;
  isConnected(): boolean;
}

export function listenForOutbox(
  connectionString: string,
  channel: string,
  onNotify: () => void,
  log: (line: string) => void,
): OutboxListener {
  let client: pg.Client | undefined;
  let closed = false;
  let connected = false;
  let failures = 0;
  let retryTimer: NodeJS.Timeout | undefined;

  function scheduleReconnect(): void {
    connected = false;
    if (closed || retryTimer) return;
    failures++;
    retryTimer = setTimeout(
      () => {
        retryTimer = undefined;
        void connect();
      },
      backoffDelayMs(Math.min(failures, 8), { baseMs: 250, maxMs: 5_000 }),
    );
  }

  async function connect(): Promise<void> {
    const next = new pg.Client({
      connectionString,
      application_name: 'paylab-relay-listen',
      keepAlive: true,
    });
    next.on('error', (error) => {
      log(`outbox listener: ${error.message}; reconnecting`);
      void next.end().catch(() => {});
      if (client === next) client = undefined;
      scheduleReconnect();
    });
    next.on('notification', (message) => {
      if (message.channel === channel) onNotify();
    });
    try {
      await next.connect();
      // Identifier, not a value: quote it as one (channel names come from code, never from input).
      await next.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
      if (closed) {
        await next.end();
        return;
      }
      client = next;
      connected = true;
      failures = 0;
      // Rows committed while we were not listening would otherwise wait for the next poll.
      onNotify();
    } catch (error) {
      log(
        `outbox listener: cannot listen (${error instanceof Error ? error.message : String(error)}); retrying`,
      );
      void next.end().catch(() => {});
      scheduleReconnect();
    }
  }

  void connect();
  return {
    isConnected: () => connected,
    async close() {
      closed = true;
      if (retryTimer) clearTimeout(retryTimer);
      await client?.end().catch(() => {});
    },
  };
}
