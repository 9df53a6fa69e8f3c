/**
 * An append-only JSONL journal with group commit: append() writes a record (one line) before it
 * returns, and durable() resolves once every record appended so far is fsync'd. The PG answers
 * only after durable() (server.ts waits for it before sending ANY answer), so whatever the PG
 * answered is on disk before the answer leaves — as before, when each append fsync'd on its own
 * — but one fsync now covers every record written while the previous one ran, and it runs off the
 * event loop (libuv's pool) instead of blocking every other request for its duration.
 *
 * What a crash can do: a record written but not yet fsync'd was never answered, so losing it
 * (power loss) is what the client was told — nothing, like a charge whose answer was lost. A
 * kill -9 loses nothing written (the page cache survives the process). A failed fsync leaves the
 * file in an unknown state: every waiting answer fails and `onFatal` is told (the process exits and
 * replays the journal at restart), because the in-memory book may hold what the disk does not.
 *
 * A crash can only tear the LAST line — appends never rewrite earlier bytes — so replay ignores a
 * last line that has no newline or does not parse, and cuts it off before the next append
 * (otherwise the next record would be glued onto the torn one). A bad line anywhere else is not a
 * torn write but damage; replay refuses it instead of silently dropping bookings.
 *
 * The write itself stays synchronous on purpose: the ledger stays one synchronous step per
 * booking, so two racing requests with one key still cannot both book, and a write the disk
 * refuses throws before the in-memory book changes.
 */
import fs from 'node:fs';
import path from 'node:path';

export class JournalError extends Error {
  override name = 'JournalError';
}

export interface Replayed<T> {
  records: T[];
  /** Bytes of a torn last line that were dropped (0 after a clean shutdown). */
  tornBytes: number;
}

export interface Journal<T> {
  readonly file: string;
  /** Every intact record in write order; cuts a torn tail off the file. Call once, before append. */
  replay(parse: (value: unknown) => T): Replayed<T>;
  /** Written when it returns, durable once durable() resolves. Throws if the disk refuses the
   *  write: the caller must not act. */
  append(record: T): void;
  /** Resolves once every record appended before the call is fsync'd (at once when all are);
   *  rejects when the fsync failed. */
  durable(): Promise<void>;
  /** Empties the journal (durably). */
  truncate(): void;
  /** Makes what was appended durable, then closes. */
  close(): void;
}

export interface JournalOptions {
  /** The fsync (tests hold it to see what waits for it). Default fs.fsync. */
  fsync?: (fd: number, done: (error: Error | null) => void) => void;
  /** Told once when an fsync failed: the book in memory may hold what the disk does not. */
  onFatal?: (error: Error) => void;
}

interface Waiter {
  upTo: number;
  resolve(): void;
  reject(error: Error): void;
}

export function openJournal<T>(file: string, options: JournalOptions = {}): Journal<T> {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  let fd = fs.openSync(file, 'a+', 0o600);
  // The directory entry must be durable too, or a fresh journal could vanish with its first records.
  syncDirectory(path.dirname(file));
  const fsync = options.fsync ?? ((handle, done) => fs.fsync(handle, done));
  /** Records appended, and how many of them an fsync has covered. */
  let appended = 0;
  let synced = 0;
  let syncing = false;
  let failed: Error | undefined;
  const waiters: Waiter[] = [];

  function settle(): void {
    for (let i = waiters.length - 1; i >= 0; i--) {
      const w = waiters[i]!;
      if (failed) w.reject(failed);
      else if (w.upTo <= synced) w.resolve();
      else continue;
      waiters.splice(i, 1);
    }
  }

  /** One fsync for everything appended so far; the next one starts when it ends, if needed. */
  function flush(): void {
    if (syncing || failed || synced >= appended || fd < 0) return;
    syncing = true;
    const upTo = appended;
    fsync(fd, (error) => {
      syncing = false;
      if (fd < 0) return; // closed meanwhile: close() made everything durable itself
      if (error) {
        failed = error;
        settle();
        options.onFatal?.(error);
        return;
      }
      synced = Math.max(synced, upTo);
      settle();
      flush();
    });
  }

  function syncNow(): void {
    if (fd < 0) return;
    fs.fsyncSync(fd);
    synced = appended;
    settle();
  }

  return {
    file,
    replay(parse) {
      // Bytes, not a decoded string: a tear inside a multi-byte character must be cut at the byte
      // where it happened. 0x0a never occurs inside a UTF-8 sequence, so lines split safely.
      const bytes = fs.readFileSync(file);
      const records: T[] = [];
      let offset = 0;
      let lineNo = 0;
      while (offset < bytes.length) {
        lineNo += 1;
        const end = bytes.indexOf(0x0a, offset);
        const last = end === -1 || end === bytes.length - 1;
        let record: T | undefined;
        try {
          record = parse(
            JSON.parse(bytes.toString('utf8', offset, end === -1 ? bytes.length : end)) as unknown,
          );
        } catch (error) {
          if (!last)
            throw new JournalError(
              `${file}: line ${lineNo} is damaged (${error instanceof Error ? error.message : String(error)}); ` +
                'only the last line may be torn by a crash. Move the file aside to start an empty ledger.',
            );
        }
        // Torn: cut mid-record, or written without its newline (append never returned, so the
        // PG never answered it: dropping it is what the client was told — nothing).
        if (end === -1 || record === undefined) break;
        records.push(record);
        offset = end + 1;
      }
      const tornBytes = bytes.length - offset;
      if (tornBytes > 0) {
        fs.ftruncateSync(fd, offset);
        fs.fsyncSync(fd);
      }
      return { records, tornBytes };
    },
    append(record) {
      if (failed) throw failed;
      fs.writeSync(fd, `${JSON.stringify(record)}\n`);
      appended += 1;
    },
    durable() {
      if (failed) return Promise.reject(failed);
      if (synced >= appended) return Promise.resolve();
      const upTo = appended;
      const promise = new Promise<void>((resolve, reject) => waiters.push({ upTo, resolve, reject }));
      flush();
      return promise;
    },
    truncate() {
      fs.ftruncateSync(fd, 0);
      syncNow();
    },
    close() {
      if (fd < 0) return;
      if (!failed) syncNow();
      fs.closeSync(fd);
      fd = -1;
    },
  };
}

function syncDirectory(dir: string): void {
  const dirFd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(dirFd);
  } finally {
    fs.closeSync(dirFd);
  }
}
