/**
 * Sockets the mock deliberately leaves hanging ("charge then time out"). Tracked so the server can
 * close promptly: a held socket would otherwise keep `close()` waiting for minutes.
 */
import type { Socket } from 'node:net';

export interface HeldSockets {
  /** Keeps the socket open for `ms`, then closes it without an answer; `onEnd` runs once either way. */
  hold(socket: Socket, ms: number, onEnd: () => void): void;
  releaseAll(): void;
  size(): number;
}

export function createHeldSockets(): HeldSockets {
  const held = new Map<Socket, NodeJS.Timeout>();
  function release(socket: Socket): void {
    const timer = held.get(socket);
    if (timer === undefined) return;
    clearTimeout(timer);
    held.delete(socket);
    socket.destroy();
  }
  return {
    hold(socket, ms, onEnd) {
      let ended = false;
      const end = (): void => {
        if (ended) return;
        ended = true;
        onEnd();
      };
      held.set(
        socket,
        setTimeout(() => {
          release(socket);
          end();
        }, ms),
      );
      socket.once('close', () => {
        release(socket);
        end();
      });
    },
    releaseAll() {
      for (const socket of [...held.keys()]) release(socket);
    },
    size: () => held.size,
  };
}
