/**
 * Concurrency inside one partition without breaking per-payment order: a fetched batch is split
 * by message key (the payment id), keys run side by side, and each key's messages run in offset
 * order. Offsets are committed only up to the longest fully handled prefix of the batch, so a
 * crash or rebalance mid-batch redelivers (at least once) rather than skips.
 */
export interface Keyed {
  key: Buffer | null;
  offset: string;
}

export function groupByKey<T extends Keyed>(messages: readonly T[]): T[][] {
  const groups = new Map<string, T[]>();
  for (const message of messages) {
    // Keyless messages (only ever poison) each get their own group.
    const key = message.key ? `k:${message.key.toString('base64')}` : `o:${message.offset}`;
    const group = groups.get(key);
    if (group) group.push(message);
    else groups.set(key, [message]);
  }
  return [...groups.values()];
}

/** The last offset of the longest prefix of `messages` whose every offset is in `done`. */
export function committableOffset(messages: readonly Keyed[], done: ReadonlySet<string>): string | undefined {
  let last: string | undefined;
  for (const message of messages) {
    if (!done.has(message.offset)) break;
    last = message.offset;
  }
  return last;
}

/**
 * Runs every group, at most `limit` at a time; within a group one message after another.
 * `shouldContinue` is checked before each message (stop on shutdown or rebalance).
 */
export async function runGroups<T extends Keyed>(
  groups: readonly T[][],
  limit: number,
  handle: (message: T) => Promise<void>,
  shouldContinue: () => boolean,
  done: Set<string>,
): Promise<void> {
  let nextGroup = 0;
  async function lane(): Promise<void> {
    while (nextGroup < groups.length) {
      const group = groups[nextGroup++];
      if (!group) continue;
      for (const message of group) {
        if (!shouldContinue()) return;
        await handle(message);
        done.add(message.offset);
      }
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, groups.length)) }, lane));
}
