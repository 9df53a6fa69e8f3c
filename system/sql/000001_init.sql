-- paylab schema, version 1. Forward-only: never edit an applied migration, add a new file.

CREATE TABLE payments (
  id                  uuid PRIMARY KEY,
  merchant_id         text        NOT NULL,
  order_id            text        NOT NULL,
  amount              bigint      NOT NULL CHECK (amount > 0),          -- minor units
  currency            char(3)     NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  method              text        NOT NULL CHECK (method IN ('card', 'easy_pay')),
  -- card: a token from the card vault (never a PAN); easy_pay: the wallet's reference
  method_reference    text        NOT NULL,
  -- masked for display only, e.g. '**** **** **** 4242'
  method_display      text,
  state               text        NOT NULL CHECK (state IN
                        ('requested', 'processing', 'completed', 'failed', 'cancel_requested', 'canceled')),
  idempotency_key     text        NOT NULL,
  -- the key the worker sends to the PG; recorded before the call (a recovery point)
  pg_idempotency_key  text,
  pg_transaction_id   text,
  -- true once the PG is known to hold a live capture for this payment
  captured            boolean     NOT NULL DEFAULT false,
  error_code          text,
  error_message       text,
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now(),
  completed_at        timestamptz,
  version             integer     NOT NULL DEFAULT 0,
  -- sequence of the newest event written for this payment; events.ts `sequence` comes from here
  event_sequence      integer     NOT NULL DEFAULT 0,
  UNIQUE (merchant_id, idempotency_key)
);
CREATE INDEX payments_merchant_created_idx ON payments (merchant_id, created_at DESC);
CREATE INDEX payments_open_state_idx ON payments (state) WHERE state NOT IN ('completed', 'failed', 'canceled');

CREATE TABLE payment_items (
  payment_id  uuid    NOT NULL REFERENCES payments (id) ON DELETE CASCADE,
  line_no     integer NOT NULL CHECK (line_no >= 1),
  name        text    NOT NULL,
  quantity    integer NOT NULL CHECK (quantity > 0),
  unit_price  bigint  NOT NULL CHECK (unit_price >= 0),
  amount      bigint  NOT NULL CHECK (amount >= 0),
  PRIMARY KEY (payment_id, line_no)
);

CREATE TABLE payment_history (
  id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  payment_id     uuid        NOT NULL REFERENCES payments (id) ON DELETE CASCADE,
  previous_state text,
  new_state      text        NOT NULL,
  changed_by     text        NOT NULL,   -- 'api', 'worker:<id>', 'cli'
  reason         text        NOT NULL,
  pg_response    jsonb,                  -- the PG's raw answer, when there was one
  snapshot       jsonb       NOT NULL,   -- the payment row after the change
  created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX payment_history_payment_idx ON payment_history (payment_id, id);

CREATE TABLE outbox (
  event_id        uuid PRIMARY KEY,
  aggregate_id    uuid        NOT NULL,
  event_type      text        NOT NULL,
  partition_key   text        NOT NULL,
  payload         jsonb       NOT NULL,
  status          text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'dead')),
  attempts        integer     NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  last_error      text,
  lease_owner     text,
  lease_expires_at timestamptz,
  created_at      timestamptz NOT NULL DEFAULT now(),
  sent_at         timestamptz
);
-- the relay's claim: due pending rows in creation order
CREATE INDEX outbox_due_idx ON outbox (next_attempt_at, created_at) WHERE status = 'pending';
-- per-key order: is an older row of the same key still unsent?
CREATE INDEX outbox_pending_key_idx ON outbox (partition_key, created_at) WHERE status = 'pending';
-- retention: delete sent rows older than N
CREATE INDEX outbox_sent_idx ON outbox (sent_at) WHERE status = 'sent';
CREATE INDEX outbox_dead_idx ON outbox (created_at) WHERE status = 'dead';

CREATE TABLE idempotency_records (
  merchant_id      text        NOT NULL,
  idempotency_key  text        NOT NULL,
  request_hash     text        NOT NULL,
  state            text        NOT NULL CHECK (state IN ('in_progress', 'completed')),
  response_status  integer,
  -- json, not jsonb: a replay must return the original body byte for byte (jsonb reorders keys)
  response_body    json,
  payment_id       uuid,
  created_at       timestamptz NOT NULL DEFAULT now(),
  completed_at     timestamptz,
  PRIMARY KEY (merchant_id, idempotency_key)
);

-- issued by POST /idempotency-keys; optional for clients, used to check a key was ours
CREATE TABLE issued_idempotency_keys (
  merchant_id     text        NOT NULL,
  idempotency_key text        NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (merchant_id, idempotency_key)
);

CREATE TABLE processed_events (
  event_id     uuid PRIMARY KEY,
  payment_id   uuid        NOT NULL,
  event_type   text        NOT NULL,
  processed_by text        NOT NULL,
  processed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX processed_events_payment_idx ON processed_events (payment_id);
