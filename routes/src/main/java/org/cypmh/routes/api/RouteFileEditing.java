package org.cypmh.routes.api;

import org.hl7.fhir.r4.model.Parameters;

/**
 * Changing the route files kept in the database ({@code routes.files.source=database}), as the
 * operator console does it; the same as the operations {@code $route-file-upload}, {@code
 * $route-file-delete} and {@code $route-file-history}. Every change names who made it.
 */
public interface RouteFileEditing {

  /**
   * Saves a new version of a file once this node has loaded it (422 with {@code file:line} if it
   * cannot be, nothing saved).
   *
   * @param basedOn the version the edit started from (0 for a new file); null: overwrite whatever
   *     is latest
   */
  Parameters upload(
      String fileName, String content, String note, Integer basedOn, String changedBy);

  /** Deletes a file: its routes stop on every node. */
  Parameters delete(String fileName, String note, Integer basedOn, String changedBy);

  /** A file's versions, newest first; with {@code version}, that version's text too. */
  Parameters history(String fileName, Integer version);
}
