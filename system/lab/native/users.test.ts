import { describe, expect, it } from 'vitest';
import { parsePasswd } from './users.ts';

describe('parsePasswd', () => {
  const passwd =
    'root:x:0:0:root:/root:/bin/bash\npostgres:x:101:104:PostgreSQL administrator:/var/lib/postgresql:/bin/bash\n';
  it('finds a system user by exact name', () => {
    expect(parsePasswd(passwd, 'postgres')).toEqual({ name: 'postgres', uid: 101, gid: 104 });
  });
  it('does not match prefixes or missing users', () => {
    expect(parsePasswd(passwd, 'post')).toBeUndefined();
    expect(parsePasswd(passwd, 'nobody')).toBeUndefined();
  });
});
