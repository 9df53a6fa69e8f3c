#!/usr/bin/env bash
# Creates the lab's Kafka topics (payment events, retry, dead letter) — idempotent, either runtime.
#
# Topic names and partition counts come from system/src/config.ts when Node and the repository's
# node_modules are at hand (native runtime, or a developer shell); otherwise (the docker
# `create-topics` service) from the defaults mirrored below, which a test keeps equal to config.ts.
# Creation goes through the Kafka proxy, like every other client.
set -euo pipefail
cd "$(dirname "$0")"

BOOTSTRAP="${KAFKA_BOOTSTRAP:-127.0.0.1:29092}"
# The 3-broker cluster (docker-compose.cluster.yml) sets 3 and 2; one broker can only keep one copy.
REPLICATION_FACTOR="${KAFKA_REPLICATION_FACTOR:-1}"
MIN_INSYNC_REPLICAS="${KAFKA_MIN_INSYNC_REPLICAS:-1}"
# name:partitions — mirrors the defaults of config.topics (checked by system/lab/docker/compose.test.ts).
DEFAULT_TOPICS="paylab.payment-events:6 paylab.payment-events.retry:6 paylab.payment-events.dlt:1"

if command -v node >/dev/null 2>&1 && [ -d node_modules/kafkajs ] && [ -f system/lab/create-topics.ts ]; then
  # The one config place decides (PAYLAB_* overrides included) and kafkajs creates them.
  exec node --import tsx system/lab/create-topics.ts
fi

KAFKA_TOPICS="${KAFKA_TOPICS_BIN:-/opt/kafka/bin/kafka-topics.sh}"
if [ ! -x "$KAFKA_TOPICS" ]; then
  echo "create-topics.sh: need either Node with this repository's node_modules (npm ci) or Kafka's kafka-topics.sh (set KAFKA_TOPICS_BIN)" >&2
  exit 1
fi

for spec in ${PAYLAB_TOPICS:-$DEFAULT_TOPICS}; do
  name="${spec%%:*}"
  partitions="${spec##*:}"
  echo "topic $name ($partitions partitions)"
  "$KAFKA_TOPICS" --bootstrap-server "$BOOTSTRAP" --create --if-not-exists \
    --topic "$name" --partitions "$partitions" --replication-factor "$REPLICATION_FACTOR" \
    --config "min.insync.replicas=$MIN_INSYNC_REPLICAS"
done
