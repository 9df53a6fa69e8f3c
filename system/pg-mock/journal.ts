/**
 * An append-only JSONL journal: one record a line, each written and fsync'd before append()
 * returns, so whatever the PG answered is on disk before the answer leaves. Replayed at start.
 *
 * A crash (kill -9, power loss) can only tear the LAST line — appends never rewrite earlier
 * bytes — so replay ignores a last line that has no newline or does not parse, and cuts it off
 * before the next append (otherwise the next record would be glued onto the torn one). A bad line
 * anywhere else is not a torn write but damage; replay refuses it instead of silently dropping
 * bookings.
 *
 * Synchronous on purpose: the ledger stays one synchronous step per booking, so two racing
 * requests with one key still cannot both book. An fsync costs ~0.2 ms on the lab's disk.
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
  /** Durable when it returns (write + fsync). Throws if the disk refuses: the caller must not act. */
  append(record: T): void;
  /** Empties the journal (durably). */
  truncate(): void;
  close(): void;
}

export function openJournal<T>(file: string): Journal<T> {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  let fd = fs.openSync(file, 'a+', 0o600);
  // The directory entry must be durable too, or a fresh journal could vanish with its first records.
  syncDirectory(path.dirname(file));

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
      fs.writeSync(fd, `${JSON.stringify(record)}\n`);
      fs.fsyncSync(fd);
    },
    truncate() {
      fs.ftruncateSync(fd, 0);
      fs.fsyncSync(fd);
    },
    close() {
      if (fd >= 0) fs.closeSync(fd);
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
