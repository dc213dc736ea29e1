-- Leases of the jobs that run on one node at a time (jobs.SingletonJobs, ShedLock's
-- JdbcTemplateLockProvider with the database's clock; ShedLock's default columns).
CREATE TABLE IF NOT EXISTS GW_SHEDLOCK (
    name       VARCHAR(64)  NOT NULL,
    lock_until TIMESTAMP(6) NOT NULL,
    locked_at  TIMESTAMP(6) NOT NULL,
    locked_by  VARCHAR(255) NOT NULL,
    CONSTRAINT PK_GW_SHEDLOCK PRIMARY KEY (name)
);
