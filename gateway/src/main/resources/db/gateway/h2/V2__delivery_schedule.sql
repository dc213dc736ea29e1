-- Delivery as a state machine in its row (routes/README.md, "How a referral travels", step 4):
-- DUE_AT becomes NEXT_ATTEMPT_AT (same meaning, now also the scheduled retry), the node holding a
-- delivery is named in LEASED_BY, and a replay's fresh retry budget starts at BUDGET_FROM calls.
-- Existing rows keep their due time; nobody holds them (any node takes them when due), and their
-- budget counts every call they made.
ALTER TABLE GW_DELIVERY ALTER COLUMN DUE_AT RENAME TO NEXT_ATTEMPT_AT;
ALTER TABLE GW_DELIVERY ADD COLUMN LEASED_BY VARCHAR(100);
ALTER TABLE GW_DELIVERY ADD COLUMN BUDGET_FROM INTEGER DEFAULT 0 NOT NULL;
ALTER TABLE GW_DELIVERY ALTER COLUMN BUDGET_FROM DROP DEFAULT;
