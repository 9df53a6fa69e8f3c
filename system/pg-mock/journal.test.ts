import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { JournalError, openJournal } from './journal.ts';

interface Rec {
  n: number;
  note?: string;
}

const dirs: string[] = [];
function tempFile(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paylab-journal-'));
  dirs.push(dir);
  return path.join(dir, 'nested', 'ledger.jsonl');
}
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function isRec(v: unknown): Rec {
  if (typeof v !== 'object' || v === null || typeof (v as Rec).n !== 'number')
    throw new Error('not a record');
  return v as Rec;
}

describe('journal', () => {
  it('when records are appended and the file is opened again, then replay returns them in order', () => {
    const file = tempFile();
    const a = openJournal<Rec>(file);
    expect(a.replay(isRec)).toEqual({ records: [], tornBytes: 0 });
    a.append({ n: 1 });
    a.append({ n: 2, note: 'ü — multi-byte' });
    a.close();
    const b = openJournal<Rec>(file);
    expect(b.replay(isRec)).toEqual({ records: [{ n: 1 }, { n: 2, note: 'ü — multi-byte' }], tornBytes: 0 });
    b.close();
  });

  it('when the last line was torn by a crash, then replay ignores it, cuts it off, and later appends are intact', () => {
    const file = tempFile();
    const a = openJournal<Rec>(file);
    a.replay(isRec);
    a.append({ n: 1 });
    a.close();
    // A crash mid-write: part of a record, no newline (cut inside a multi-byte character, too).
    const torn = Buffer.from('{"n":2,"note":"ü');
    fs.appendFileSync(file, torn.subarray(0, torn.length - 1));
    const b = openJournal<Rec>(file);
    const replayed = b.replay(isRec);
    expect(replayed.records).toEqual([{ n: 1 }]);
    expect(replayed.tornBytes).toBe(torn.length - 1);
    b.append({ n: 3 });
    b.close();
    const c = openJournal<Rec>(file);
    expect(c.replay(isRec)).toEqual({ records: [{ n: 1 }, { n: 3 }], tornBytes: 0 });
    c.close();
  });

  it('when a complete last record lacks its newline, then it is dropped too (append never returned)', () => {
    const file = tempFile();
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, '{"n":1}\n{"n":2}');
    const j = openJournal<Rec>(file);
    expect(j.replay(isRec).records).toEqual([{ n: 1 }]);
    j.close();
    expect(fs.readFileSync(file, 'utf8')).toBe('{"n":1}\n');
  });

  it('when a line before the last is damaged, then replay refuses, naming the file and line', () => {
    const file = tempFile();
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, '{"n":1}\n{"n":\n{"n":3}\n');
    const j = openJournal<Rec>(file);
    expect(() => j.replay(isRec)).toThrow(JournalError);
    expect(() => j.replay(isRec)).toThrow(/ledger\.jsonl: line 2 is damaged/);
    j.close();
  });

  it('when truncated, then it replays empty', () => {
    const file = tempFile();
    const a = openJournal<Rec>(file);
    a.replay(isRec);
    a.append({ n: 1 });
    a.truncate();
    a.append({ n: 2 });
    a.close();
    const b = openJournal<Rec>(file);
    expect(b.replay(isRec).records).toEqual([{ n: 2 }]);
    b.close();
  });

  describe('group commit', () => {
    /** An fsync the test completes by hand, counting calls. */
    function heldFsync() {
      const pending: ((error: Error | null) => void)[] = [];
      let calls = 0;
      return {
        pending,
        calls: () => calls,
        fsync: (fd: number, done: (error: Error | null) => void) => {
          calls += 1;
          fs.fsyncSync(fd);
          pending.push(done);
        },
        release(error: Error | null = null) {
          pending.shift()?.(error);
        },
      };
    }
    const tick = () => new Promise((r) => setImmediate(r));

    it('appends made while an fsync runs share the next one, and durable() waits for the fsync that covers them', async () => {
      const held = heldFsync();
      const j = openJournal<Rec>(tempFile(), { fsync: held.fsync });
      j.replay(isRec);
      j.append({ n: 1 });
      let firstDurable = false;
      const first = j.durable().then(() => (firstDurable = true));
      const later: Promise<void>[] = [];
      let laterDurable = 0;
      for (let n = 2; n <= 50; n++) {
        j.append({ n });
        later.push(j.durable().then(() => void (laterDurable += 1)));
      }
      await tick();
      expect(held.calls()).toBe(1);
      expect(firstDurable).toBe(false);
      held.release(); // covers record 1 only: the 49 others were written after it started
      await first;
      await tick();
      expect(laterDurable).toBe(0);
      expect(held.calls()).toBe(2);
      held.release();
      await Promise.all(later);
      expect(laterDurable).toBe(49);
      // 50 records, 2 fsyncs; nothing pending: durable() answers at once.
      expect(held.calls()).toBe(2);
      await j.durable();
      expect(held.calls()).toBe(2);
      j.close();
    });

    it('a failed fsync fails every waiting answer, refuses later appends and tells onFatal', async () => {
      const held = heldFsync();
      const fatal: Error[] = [];
      const j = openJournal<Rec>(tempFile(), { fsync: held.fsync, onFatal: (e) => fatal.push(e) });
      j.replay(isRec);
      j.append({ n: 1 });
      const waiting = j.durable();
      await tick();
      held.release(new Error('EIO'));
      await expect(waiting).rejects.toThrow('EIO');
      expect(fatal.map((e) => e.message)).toEqual(['EIO']);
      expect(() => j.append({ n: 2 })).toThrow('EIO');
      await expect(j.durable()).rejects.toThrow('EIO');
      j.close();
    });

    it('close makes what was appended durable (a graceful stop loses nothing)', async () => {
      const held = heldFsync();
      const file = tempFile();
      const j = openJournal<Rec>(file, { fsync: held.fsync });
      j.replay(isRec);
      j.append({ n: 1 });
      const waiting = j.durable();
      j.close();
      await waiting;
      held.release(); // the late callback of the fsync that close overtook changes nothing
      const again = openJournal<Rec>(file);
      expect(again.replay(isRec).records).toEqual([{ n: 1 }]);
      again.close();
    });
  });
});
