-- The gateway's tables as the release before schema migrations created them (Hibernate, from the
-- GW_ entities): the PostgreSQL baseline in H2's dialect. A database of that release is baselined
-- at this version instead of running it (SchemaMigrations).

CREATE SEQUENCE gw_attempt_seq
    START WITH 1
    INCREMENT BY 50
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

CREATE TABLE gw_audit_record (
    id character varying(36) NOT NULL,
    action character varying(1),
    agent character varying(200),
    content character large object NOT NULL,
    mac character varying(64) NOT NULL,
    outcome character varying(2) NOT NULL,
    patient character varying(100),
    recorded timestamp(6) with time zone NOT NULL,
    request_id character varying(64),
    seal_no bigint,
    subtype character varying(60),
    type character varying(40) NOT NULL
);

CREATE TABLE gw_audit_seal (
    seal_no bigint NOT NULL,
    key_id character varying(32) NOT NULL,
    last_recorded timestamp(6) with time zone NOT NULL,
    manifest character large object,
    merkle_root character varying(64) NOT NULL,
    previous_hash character varying(64) NOT NULL,
    purged_at timestamp(6) with time zone,
    record_count integer NOT NULL,
    seal_hash character varying(64) NOT NULL,
    sealed_at timestamp(6) with time zone NOT NULL,
    signature character varying(200) NOT NULL
);

CREATE TABLE gw_break_glass_use (
    id bigint NOT NULL,
    expires_at timestamp(6) with time zone NOT NULL,
    justification character varying(1000),
    partner_name character varying(200),
    partner_ods character varying(20) NOT NULL,
    partner_organisation character varying(200),
    patient character varying(200) NOT NULL,
    reason character varying(40) NOT NULL,
    request_id character varying(100),
    review_note character varying(2000),
    reviewed_at timestamp(6) with time zone,
    reviewer character varying(200),
    used_at timestamp(6) with time zone NOT NULL
);

CREATE SEQUENCE gw_break_glass_use_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

CREATE TABLE gw_client_assertion (
    client_id character varying(64) NOT NULL,
    jti character varying(255) NOT NULL,
    expires_at timestamp(6) with time zone NOT NULL
);

CREATE TABLE gw_consent_decision (
    id bigint NOT NULL,
    break_glass_asked character varying(40),
    break_glass_used boolean NOT NULL,
    consents character varying(500),
    context character varying(30) NOT NULL,
    decided_at timestamp(6) with time zone NOT NULL,
    outcome character varying(30) NOT NULL,
    patient character varying(200),
    purpose character varying(20),
    reason character varying(1000),
    recipient_name character varying(200),
    recipient_organisation character varying(200),
    recipient_service character varying(100),
    rule_code character varying(60) NOT NULL,
    subject character varying(200),
    withheld_labels character varying(100)
);

CREATE SEQUENCE gw_consent_decision_seq
    START WITH 1
    INCREMENT BY 50
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

CREATE TABLE gw_delivery (
    id bigint NOT NULL,
    address character varying(500),
    attempts integer NOT NULL,
    connection_type character varying(20) NOT NULL,
    consent character varying(500),
    consent_rule character varying(60),
    created_at timestamp(6) with time zone NOT NULL,
    credentials character varying(100),
    due_at timestamp(6) with time zone NOT NULL,
    event_id bigint NOT NULL,
    finished_at timestamp(6) with time zone,
    focus character varying(200) NOT NULL,
    idempotency_key character varying(64) NOT NULL,
    kind character varying(20),
    last_error character varying(1000),
    partner_location character varying(500),
    patient character varying(200),
    payload character large object NOT NULL,
    redacted integer,
    referral character varying(200) NOT NULL,
    route_id character varying(200) NOT NULL,
    service character varying(200) NOT NULL,
    service_id character varying(100) NOT NULL,
    status character varying(20) NOT NULL,
    task character varying(200)
);

CREATE TABLE gw_delivery_attempt (
    id bigint NOT NULL,
    delivery_id bigint NOT NULL,
    duration_ms bigint NOT NULL,
    http_status integer,
    number integer NOT NULL,
    outcome character varying(1000) NOT NULL,
    started_at timestamp(6) with time zone NOT NULL
);

CREATE SEQUENCE gw_delivery_seq
    START WITH 1
    INCREMENT BY 50
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

CREATE TABLE gw_outbox_event (
    id bigint NOT NULL,
    attempts integer,
    available_at timestamp(6) with time zone,
    created_at timestamp(6) with time zone NOT NULL,
    focus character varying(200) NOT NULL,
    group_key character varying(200),
    last_error character varying(500),
    status character varying(20) NOT NULL,
    target_service character varying(100),
    task character varying(200),
    event_type character varying(40) NOT NULL
);

CREATE SEQUENCE gw_outbox_seq
    START WITH 1
    INCREMENT BY 50
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

CREATE TABLE gw_partner (
    client_id character varying(64) NOT NULL,
    registration character varying(20000) NOT NULL,
    updated_at timestamp(6) with time zone NOT NULL
);

CREATE TABLE gw_referral_milestone (
    id bigint NOT NULL,
    milestone character varying(30) NOT NULL,
    occurred_at timestamp(6) with time zone NOT NULL,
    patient character varying(200),
    provider character varying(12),
    recorded_at timestamp(6) with time zone NOT NULL,
    referral character varying(200),
    service character varying(200),
    source character varying(300) NOT NULL
);

CREATE SEQUENCE gw_referral_milestone_seq
    START WITH 1
    INCREMENT BY 50
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER TABLE gw_audit_record
    ADD CONSTRAINT gw_audit_record_pkey PRIMARY KEY (id);

ALTER TABLE gw_audit_seal
    ADD CONSTRAINT gw_audit_seal_pkey PRIMARY KEY (seal_no);

ALTER TABLE gw_break_glass_use
    ADD CONSTRAINT gw_break_glass_use_pkey PRIMARY KEY (id);

ALTER TABLE gw_client_assertion
    ADD CONSTRAINT gw_client_assertion_pkey PRIMARY KEY (client_id, jti);

ALTER TABLE gw_consent_decision
    ADD CONSTRAINT gw_consent_decision_pkey PRIMARY KEY (id);

ALTER TABLE gw_delivery_attempt
    ADD CONSTRAINT gw_delivery_attempt_pkey PRIMARY KEY (id);

ALTER TABLE gw_delivery
    ADD CONSTRAINT gw_delivery_pkey PRIMARY KEY (id);

ALTER TABLE gw_outbox_event
    ADD CONSTRAINT gw_outbox_event_pkey PRIMARY KEY (id);

ALTER TABLE gw_partner
    ADD CONSTRAINT gw_partner_pkey PRIMARY KEY (client_id);

ALTER TABLE gw_referral_milestone
    ADD CONSTRAINT gw_referral_milestone_pkey PRIMARY KEY (id);

CREATE INDEX idx_gw_attempt_delivery ON gw_delivery_attempt (delivery_id, number);

CREATE INDEX idx_gw_audit_agent ON gw_audit_record (agent, recorded);

CREATE INDEX idx_gw_audit_patient ON gw_audit_record (patient, recorded);

CREATE INDEX idx_gw_audit_recorded ON gw_audit_record (recorded, id);

CREATE INDEX idx_gw_audit_seal ON gw_audit_record (seal_no, recorded);

CREATE INDEX idx_gw_break_glass_use_grant ON gw_break_glass_use (partner_ods, patient, expires_at);

CREATE INDEX idx_gw_break_glass_use_review ON gw_break_glass_use (reviewed_at, id);

CREATE INDEX idx_gw_client_assertion_exp ON gw_client_assertion (expires_at);

CREATE INDEX idx_gw_consent_decision_break_glass ON gw_consent_decision (break_glass_asked, id);

CREATE INDEX idx_gw_consent_decision_patient ON gw_consent_decision (patient, id);

CREATE INDEX idx_gw_delivery_due ON gw_delivery (status, due_at);

CREATE INDEX idx_gw_delivery_patient ON gw_delivery (patient, status);

CREATE INDEX idx_gw_delivery_referral ON gw_delivery (referral);

CREATE INDEX idx_gw_delivery_service ON gw_delivery (service_id, status);

CREATE INDEX idx_gw_milestone_at ON gw_referral_milestone (milestone, occurred_at);

CREATE INDEX idx_gw_milestone_referral ON gw_referral_milestone (referral, occurred_at);

CREATE INDEX idx_gw_outbox_status ON gw_outbox_event (status, id);
