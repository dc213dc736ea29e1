package org.cypmh.routes.delivery;

import java.util.Set;
import org.hl7.fhir.r4.model.Task;

/**
 * Where a referral's tracking Task stands, as far as who may still describe it: while it is {@code
 * draft}, {@code requested}, {@code received} or {@code ready}, only the gateway has spoken
 * (routing and delivery); any other status was set by the receiving service's answer (accepted,
 * rejected, in progress, on hold, completed, failed) or by the referrer (cancelled), which is later
 * news than anything the gateway's delivery can add.
 */
final class ReferralTaskProgress {

  private static final Set<Task.TaskStatus> BEFORE_ANY_ANSWER =
      Set.of(
          Task.TaskStatus.DRAFT,
          Task.TaskStatus.REQUESTED,
          Task.TaskStatus.RECEIVED,
          Task.TaskStatus.READY);

  private ReferralTaskProgress() {}

  static boolean answeredOrClosed(Task task) {
    return task.hasStatus() && !BEFORE_ANY_ANSWER.contains(task.getStatus());
  }
}
