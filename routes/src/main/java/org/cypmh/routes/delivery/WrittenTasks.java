package org.cypmh.routes.delivery;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.cypmh.routes.api.AfterCommit;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Task;
import org.springframework.stereotype.Component;

/**
 * Tracking Tasks as this node last wrote them, until the next change of each takes it: a delivery's
 * feedback then changes the Task intake (or the previous delivery) wrote, without reading it back
 * through HAPI first. That read was 9.4 % of the CPU samples under intake load (issue 25): the
 * Task's id resolved, its entity and history row loaded, its JSON parsed, all moments after this
 * node wrote it.
 *
 * <p>Correct without any check of its own: a Task is kept with its version, and {@link
 * DeliveryFeedback} writes the change as an update of that version, which HAPI refuses with a
 * {@code ResourceVersionConflictException} if anyone (a partner's answer, the referrer, another
 * node) has written a newer one since. That is the race the feedback already loses and retries from
 * the database; the entry was taken, so the retry reads. A Task is kept only once its transaction
 * commits, and never over a newer version. At most {@value #CAPACITY} are kept, the oldest dropped
 * first, so Tasks whose referrals are routed elsewhere cost bounded memory.
 */
@Component
public class WrittenTasks {

  static final int CAPACITY = 500;

  private final Map<String, Task> byId =
      new LinkedHashMap<>(64, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Task> eldest) {
          return size() > CAPACITY;
        }
      };

  /**
   * Keeps a copy of the Task as written in the current transaction once it commits. Its id must
   * carry the version written (as HAPI's create and update leave it); a Task without one is not
   * kept.
   */
  public void written(Task task) {
    IdType id = task.getIdElement().toUnqualified();
    if (!id.hasIdPart() || !id.hasVersionIdPart() || !id.isVersionIdPartValidLong()) {
      return;
    }
    Task copy = task.copy();
    copy.setId(id);
    AfterCommit.run(() -> keep(copy));
  }

  /**
   * The Task with this id (e.g. {@code Task/12}) as this node last wrote it, its id versioned,
   * taken out; empty if this node does not hold it.
   */
  Optional<Task> take(String taskId) {
    String key = new IdType(taskId).toUnqualifiedVersionless().getValue();
    synchronized (byId) {
      return Optional.ofNullable(byId.remove(key));
    }
  }

  private void keep(Task copy) {
    IdType id = copy.getIdElement();
    String key = id.toVersionless().getValue();
    synchronized (byId) {
      Task kept = byId.get(key);
      // Commits of one Task's versions can run their after-commit work out of order.
      if (kept == null
          || kept.getIdElement().getVersionIdPartAsLong() < id.getVersionIdPartAsLong()) {
        byId.put(key, copy);
      }
    }
  }
}
