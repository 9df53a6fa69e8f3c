/**
 * `npm run dashboard`: the live view against a running lab, without a scenario.
 * Flags: --prometheus <url> (default: the lab's), --title <text>, --plain.
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../../system/src/config.ts';
import { prometheusUrl } from '../../observability/prometheus/client.ts';
import { startLiveView } from './live-view.tsx';

const USAGE = 'usage: npm run dashboard -- [--prometheus http://127.0.0.1:19090] [--title text] [--plain]\n';

function flags() {
  try {
    return parseArgs({
      options: {
        prometheus: { type: 'string' },
        title: { type: 'string', default: 'live' },
        plain: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }).values;
  } catch (error) {
    // A wrong flag is a usage error: its name and the usage, never a stack trace.
    process.stderr.write(`dashboard: ${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    process.exit(2);
  }
}

const values = flags();
if (values.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}

const view = startLiveView({
  prometheusUrl: values.prometheus ?? prometheusUrl(loadConfig()),
  title: values.title,
  plain: values.plain,
  onQuit: () => void shutdown(),
});

async function shutdown(): Promise<void> {
  await view.stop();
  process.exit(0);
}

// In plain mode nothing reads keys, so Ctrl-C arrives as a signal.
process.once('SIGINT', () => void shutdown());
process.once('SIGTERM', () => void shutdown());
