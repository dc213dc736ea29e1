package org.cypmh.routes.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.Test;

/**
 * Tracking Tasks as this node last wrote them, for the next delivery feedback (outside a
 * transaction, {@code AfterCommit} keeps them at once).
 */
class WrittenTasksTest {

  private final WrittenTasks written = new WrittenTasks();

  @Test
  void theNextChangeTakesTheTaskWithItsVersionOnceAndThenReadsTheDatabase() {
    written.written(task("12", "1", "received by the gateway, awaiting routing"));

    Task taken = written.take("Task/12").orElseThrow();
    assertThat(taken.getIdElement().getValue()).isEqualTo("Task/12/_history/1");
    assertThat(taken.getBusinessStatus().getText())
        .isEqualTo("received by the gateway, awaiting routing");
    assertThat(written.take("Task/12")).isEmpty();
  }

  @Test
  void aVersionedOrQualifiedIdFindsTheSameTask() {
    written.written(task("13", "2", "delivered"));

    assertThat(written.take("http://gateway.example.org/fhir/Task/13/_history/1"))
        .hasValueSatisfying(
            t -> assertThat(t.getIdElement().getValue()).isEqualTo("Task/13/_history/2"));
  }

  @Test
  void anOlderVersionNeverReplacesANewerOne() {
    written.written(task("14", "3", "newer"));
    written.written(task("14", "2", "older, committed earlier, kept later"));

    assertThat(written.take("Task/14").orElseThrow().getBusinessStatus().getText())
        .isEqualTo("newer");
  }

  @Test
  void aTaskWithoutAVersionIsNotKept() {
    Task unversioned = new Task();
    unversioned.setId("Task/15");
    written.written(unversioned);

    assertThat(written.take("Task/15")).isEmpty();
  }

  @Test
  void whatIsKeptIsACopyAsWrittenNotTheWritersObject() {
    Task task = task("16", "1", "as written");
    written.written(task);
    task.getBusinessStatus().setText("changed after writing");

    assertThat(written.take("Task/16").orElseThrow().getBusinessStatus().getText())
        .isEqualTo("as written");
  }

  @Test
  void theOldestArePushedOutBeyondTheCapacity() {
    for (int i = 0; i <= WrittenTasks.CAPACITY; i++) {
      written.written(task(String.valueOf(i), "1", "written"));
    }

    assertThat(written.take("Task/0")).isEmpty();
    assertThat(written.take("Task/1")).isPresent();
    assertThat(written.take("Task/" + WrittenTasks.CAPACITY)).isPresent();
  }

  private static Task task(String id, String version, String businessStatus) {
    Task task = new Task();
    task.setId("http://gateway.example.org/fhir/Task/" + id + "/_history/" + version);
    task.getBusinessStatus().setText(businessStatus);
    return task;
  }
}
