package org.cypmh.gateway.audit;

import java.util.List;

/**
 * What {@code $audit-verify} found: how much it checked and every problem, in chain order, the
 * first of which names the first record (or seal) that was edited, deleted or inserted.
 */
public record AuditVerification(
    int sealsChecked, long recordsChecked, long recordsPending, List<Problem> problems) {

  public enum Kind {
    /** A sealed record's content no longer matches its seal. */
    EDITED,
    /** A record listed in a seal no longer exists. */
    DELETED,
    /** A record that no seal lists and that does not carry the gateway's MAC. */
    INSERTED,
    /** A seal is missing, altered, out of chain or not signed by a gateway key. */
    SEAL_BROKEN
  }

  /**
   * @param record the AuditEvent id concerned, or null for a seal problem
   * @param sealNo the seal concerned, or null for an unsealed record
   */
  public record Problem(Kind kind, String record, Long sealNo, String detail) {}

  public boolean intact() {
    return problems.isEmpty();
  }
}
