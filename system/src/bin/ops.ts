/**
 * Operator commands for the relay and the worker:
 *   npm run ops -- outbox-requeue [--event <uuid> …]   dead outbox rows → pending, fresh attempts
 *   npm run ops -- dlt-replay [--include-invalid] [--dry-run]
 *                                                      dead-letter messages → payment-events topic
 */
import { parseArgs } from 'node:util';
import { Partitioners } from 'kafkajs';
import { databaseUrl, loadConfig } from '../config.ts';
import { createPool } from '../db/pool.ts';
import { requeueDeadRows } from '../relay/sql/requeue-dead-rows.ts';
import { replayDeadLetters } from '../worker/dlt-replay.ts';
import { createKafka } from './kafka-client.ts';

const USAGE = `usage:
  npm run ops -- outbox-requeue [--event <uuid> …]
  npm run ops -- dlt-replay [--include-invalid] [--dry-run]`;

const config = loadConfig();
const [command, ...rest] = process.argv.slice(2);
const say = (line: string) => process.stdout.write(`${line}\n`);

async function outboxRequeue(): Promise<void> {
  const { values } = parseArgs({ args: rest, options: { event: { type: 'string', multiple: true } } });
  const pool = createPool({ connectionString: databaseUrl(config), applicationName: 'paylab-ops', max: 1 });
  try {
    const ids = await requeueDeadRows(pool, { eventIds: values.event ?? [] });
    say(`requeued ${ids.length} dead outbox row(s)`);
    for (const id of ids) say(`  ${id}`);
  } finally {
    await pool.end();
  }
}

async function dltReplay(): Promise<void> {
  const { values } = parseArgs({
    args: rest,
    options: {
      'include-invalid': { type: 'boolean', default: false },
      'dry-run': { type: 'boolean', default: false },
    },
  });
  const kafka = createKafka(config, 'ops', (line) => process.stderr.write(`${line}\n`));
  const producer = kafka.producer({ idempotent: true, createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  try {
    const report = await replayDeadLetters(kafka, producer, {
      deadLetterTopic: config.topics.deadLetter.name,
      targetTopic: config.topics.paymentEvents.name,
      groupId: `${config.kafka.consumerGroup}-dlt-replay`,
      includeInvalid: values['include-invalid'],
      dryRun: values['dry-run'],
      timeoutMs: 30_000,
    });
    say(
      `${values['dry-run'] ? 'would replay' : 'replayed'} ${report.replayed} message(s) to ${config.topics.paymentEvents.name}; ` +
        `skipped ${report.skippedInvalid} invalid (use --include-invalid)${report.timedOut ? '; stopped at the 30 s limit, run again' : ''}`,
    );
  } finally {
    await producer.disconnect();
  }
}

const HELP = ['--help', '-h'];

/** node:util parseArgs names a wrong flag with one of these codes: a usage error, not a failure. */
function isUsageError(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_');
}

try {
  if (command === undefined || HELP.includes(command) || rest.some((a) => HELP.includes(a))) say(USAGE);
  else if (command === 'outbox-requeue') await outboxRequeue();
  else if (command === 'dlt-replay') await dltReplay();
  else {
    process.stderr.write(`ops: unknown command ${command}\n${USAGE}\n`);
    process.exitCode = 2;
  }
} catch (error) {
  process.stderr.write(`ops ${command}: ${error instanceof Error ? error.message : String(error)}\n`);
  if (isUsageError(error)) process.stderr.write(`${USAGE}\n`);
  process.exitCode = isUsageError(error) ? 2 : 1;
}
