/** `create-topics.sh` on a machine with Node: the lab topics from config.ts, created through the proxy. */
import { loadConfig } from '../src/config.ts';
import { ensureTopics } from './native/infra-services.ts';
import { silenceKafkajsTimerWarning } from '../src/kafkajs-timer-warning.ts';

silenceKafkajsTimerWarning();

const config = loadConfig();
try {
  const created = await ensureTopics(config);
  for (const topic of Object.values(config.topics)) {
    process.stdout.write(
      `topic ${topic.name} (${topic.partitions} partitions)${created.includes(topic.name) ? ' created' : ' exists'}\n`,
    );
  }
} catch (error) {
  process.stderr.write(
    `create-topics: ${error instanceof Error ? error.message : String(error)} (is the lab up? npm run lab -- up --infra)\n`,
  );
  process.exitCode = 1;
}
