package org.cypmh.gateway.jobs;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.LocalDateTime;

/**
 * A row of ShedLock's lease table ({@code GW_SHEDLOCK}, ShedLock's default columns). Mapped only so
 * that the schema Hibernate creates and updates has it; ShedLock alone reads and writes it (through
 * {@link SingletonJobs}). Times are UTC wall-clock {@code timestamp}s written with the database's
 * clock, as ShedLock's {@code usingDbTime()} expects.
 */
@Entity
@Table(name = "GW_SHEDLOCK")
class JobLease {

  @Id
  @Column(name = "name", length = 64, nullable = false)
  private String name;

  @Column(name = "lock_until", nullable = false)
  private LocalDateTime lockUntil;

  @Column(name = "locked_at", nullable = false)
  private LocalDateTime lockedAt;

  @Column(name = "locked_by", length = 255, nullable = false)
  private String lockedBy;

  protected JobLease() {}
}
