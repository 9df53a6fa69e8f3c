/** System user lookups (PostgreSQL refuses to run as root, so the lab runs it as `postgres`). */
import fs from 'node:fs';

export interface SystemUser {
  name: string;
  uid: number;
  gid: number;
}

export function parsePasswd(content: string, name: string): SystemUser | undefined {
  for (const line of content.split('\n')) {
    const fields = line.split(':');
    if (fields[0] === name && fields.length >= 4) {
      const uid = Number(fields[2]);
      const gid = Number(fields[3]);
      if (Number.isInteger(uid) && Number.isInteger(gid)) return { name, uid, gid };
    }
  }
  return undefined;
}

export function lookupUser(name: string): SystemUser | undefined {
  try {
    return parsePasswd(fs.readFileSync('/etc/passwd', 'utf8'), name);
  } catch {
    return undefined;
  }
}
