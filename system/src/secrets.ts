/**
 * Lab secrets: merchant API keys, the pg-mock admin token and the lab control token.
 * Generated on first use into the git-ignored lab folder (mode 0600), never committed,
 * never logged. Environment variables override them (for docker compose and CI).
 */
import { randomBytes, createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { LabConfig } from './config.ts';

export interface MerchantCredential {
  merchantId: string;
  apiKey: string;
}

export interface LabSecrets {
  pgMockAdminToken: string;
  labControlToken: string;
  merchants: MerchantCredential[];
}

const MERCHANT_IDS = ['merchant-a', 'merchant-b'] as const;

function token(prefix: string): string {
  return `${prefix}_${randomBytes(24).toString('base64url')}`;
}

function isSecrets(value: unknown): value is LabSecrets {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.pgMockAdminToken === 'string' &&
    typeof v.labControlToken === 'string' &&
    Array.isArray(v.merchants) &&
    v.merchants.every(
      (m: unknown) =>
        typeof m === 'object' &&
        m !== null &&
        typeof (m as Record<string, unknown>).merchantId === 'string' &&
        typeof (m as Record<string, unknown>).apiKey === 'string',
    )
  );
}

export function secretsFile(config: LabConfig): string {
  return path.join(config.paths.labDir, 'secrets.json');
}

/** Loads the lab's secrets, creating them on first use. */
export function loadSecrets(config: LabConfig, env: NodeJS.ProcessEnv = process.env): LabSecrets {
  const file = secretsFile(config);
  let secrets: LabSecrets;
  if (fs.existsSync(file)) {
    const parsed: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
    if (!isSecrets(parsed)) throw new Error(`${file} is malformed; delete it and it will be recreated`);
    secrets = parsed;
  } else {
    secrets = {
      pgMockAdminToken: token('pgadm'),
      labControlToken: token('lab'),
      merchants: MERCHANT_IDS.map((merchantId) => ({ merchantId, apiKey: token('sk_test') })),
    };
    fs.mkdirSync(path.dirname(file), { recursive: true });
    // wx: two processes starting at once must not both write; the loser reads the winner's file.
    try {
      fs.writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600, flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      return loadSecrets(config, env);
    }
  }
  return {
    pgMockAdminToken: env.PAYLAB_PG_ADMIN_TOKEN || secrets.pgMockAdminToken,
    labControlToken: env.PAYLAB_LAB_TOKEN || secrets.labControlToken,
    merchants: secrets.merchants,
  };
}

/** API keys are stored and compared as SHA-256 hashes; the raw key exists only in the secrets file. */
export function hashApiKey(apiKey: string): string {
  return createHash('sha256').update(apiKey).digest('hex');
}
