/**
 * kafkajs 2.2.4 arms a timer with a negative delay on Node >= 23, and Node prints a
 * TimeoutNegativeWarning each time: harmless noise in every lab command. Other warnings still print.
 */
export function silenceKafkajsTimerWarning(): void {
  process.removeAllListeners('warning');
  process.on('warning', (warning) => {
    if (warning.name !== 'TimeoutNegativeWarning')
      process.stderr.write(`${warning.name}: ${warning.message}\n`);
  });
}
