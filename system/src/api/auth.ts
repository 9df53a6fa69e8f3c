/**
 * Merchant authentication: `Authorization: Bearer <api key>`. Keys are known only as SHA-256
 * hashes (hashApiKey); the raw key is hashed on arrival and never stored, logged or echoed.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PaymentError } from '../domain/result-codes.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the auth hook on merchant routes; empty elsewhere. */
    merchantId: string;
  }
}

/** Hash of an API key → merchant id. */
export type MerchantKeyTable = ReadonlyMap<string, string>;

export function buildMerchantKeyTable(
  merchants: readonly { merchantId: string; apiKey: string }[],
  hash: (apiKey: string) => string,
): MerchantKeyTable {
  return new Map(merchants.map((m) => [hash(m.apiKey), m.merchantId]));
}

const BEARER = /^Bearer ([\x21-\x7e]{1,512})$/i;

export function authenticate(keys: MerchantKeyTable, hash: (apiKey: string) => string) {
  return async function authenticateMerchant(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? BEARER.exec(header) : null;
    const merchantId = match?.[1] ? keys.get(hash(match[1])) : undefined;
    if (!merchantId) {
      reply.header('www-authenticate', 'Bearer');
      throw new PaymentError('unauthorized', [
        {
          field: 'authorization',
          value: null,
          reason: header ? 'unknown API key' : 'missing bearer API key',
        },
      ]);
    }
    request.merchantId = merchantId;
  };
}
