/** Types of healthcheck.mjs (plain JavaScript so the containers run it with `node` alone). */
export declare const APP_HEALTH: Record<
  'api' | 'pg-mock' | 'relay' | 'worker',
  { port: number; path: string }
>;
export declare function healthUrl(service: string | undefined, instance: string | undefined): string | null;
