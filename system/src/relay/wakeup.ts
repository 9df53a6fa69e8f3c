/**
 * A sleep that can be cut short: the relay waits for the poll interval, and a NOTIFY (or stop)
 * wakes it early. A wake that arrives while nobody waits is remembered, so a row committed
 * during a publish round is not left waiting for the next poll.
 */
export interface Wakeup {
  wait(ms: number): Promise<'woken' | 'timeout'>;
  wake(): void;
}

export function createWakeup(): Wakeup {
  let pending = false;
  let resolveCurrent: ((why: 'woken' | 'timeout') => void) | undefined;
  return {
    wait(ms) {
      if (pending) {
        pending = false;
        return Promise.resolve('woken');
      }
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          resolveCurrent = undefined;
          resolve('timeout');
        }, ms);
        resolveCurrent = (why) => {
          clearTimeout(timer);
          resolveCurrent = undefined;
          resolve(why);
        };
      });
    },
    wake() {
      if (resolveCurrent) resolveCurrent('woken');
      else pending = true;
    },
  };
}
