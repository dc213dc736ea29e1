-- Delivery as a state machine in its row (routes/README.md, "How a referral travels", step 4):
-- DUE_AT becomes NEXT_ATTEMPT_AT (same meaning, now also the scheduled retry), the node holding a
-- delivery is named in LEASED_BY, and a replay's fresh retry budget starts at BUDGET_FROM calls.
-- Existing rows keep their due time; nobody holds them (any node takes them when due), and their
-- budget counts every call they made.
ALTER TABLE gw_delivery RENAME COLUMN due_at TO next_attempt_at;
ALTER TABLE gw_delivery ADD COLUMN leased_by varchar(100);
ALTER TABLE gw_delivery ADD COLUMN budget_from integer NOT NULL DEFAULT 0;
ALTER TABLE gw_delivery ALTER COLUMN budget_from DROP DEFAULT;
