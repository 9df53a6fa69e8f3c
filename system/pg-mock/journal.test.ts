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
});
