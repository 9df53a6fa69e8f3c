/** One `up`/`down` at a time per lab folder: the test setup and a developer may both call `up`. */
import fs from 'node:fs';
import path from 'node:path';
import { formatPidRecord, judgeOwnership, parsePidRecord } from './proc-info.ts';
import { observe } from './supervisor.ts';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export async function withLabLock<T>(
  runDir: string,
  sink: (line: string) => void,
  fn: () => Promise<T>,
): Promise<T> {
  fs.mkdirSync(runDir, { recursive: true });
  const file = path.join(runDir, 'lab.lock');
  const self = observe(process.pid);
  const record = {
    service: 'lab-cli',
    instance: 0,
    pid: process.pid,
    startTime: self?.stat.startTime ?? 0,
    marker: process.argv[1] ?? 'node',
  };
  let announced = false;
  for (;;) {
    try {
      fs.writeFileSync(file, formatPidRecord(record), { flag: 'wx' });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      let holder;
      try {
        holder = parsePidRecord(fs.readFileSync(file, 'utf8'));
      } catch {
        holder = undefined;
      }
      const alive = holder !== undefined && judgeOwnership(holder, observe(holder.pid)).kind === 'ours';
      if (!alive) {
        // Left by a crashed CLI: take it over.
        fs.rmSync(file, { force: true });
        continue;
      }
      if (!announced) {
        sink(`  waiting for another lab command (pid ${holder?.pid}) to finish …`);
        announced = true;
      }
      await sleep(500);
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(file, { force: true });
  }
}
