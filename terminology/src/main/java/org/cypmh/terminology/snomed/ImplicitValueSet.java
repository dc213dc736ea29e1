package org.cypmh.terminology.snomed;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * SNOMED CT's implicit ValueSets (FHIR's "Using SNOMED CT with FHIR"): {@code
 * http://snomed.info/sct?fhir_vs} (every concept), {@code ?fhir_vs=isa/<id>} (the concept and its
 * descendants), {@code ?fhir_vs=refset/<id>} (members of a reference set) and {@code
 * ?fhir_vs=ecl/<expression>}. An edition URI ({@code http://snomed.info/sct/<module>}) before the
 * query is accepted and ignored: the server holds one edition.
 *
 * @param url the ValueSet URL as given
 * @param ecl the same selection as an expression constraint
 */
public record ImplicitValueSet(String url, String ecl) {

  private static final String SNOMED = "http://snomed.info/sct";
  private static final String QUERY = "?fhir_vs";

  /**
   * The implicit ValueSet a URL names, or empty if the URL is not one.
   *
   * @throws EclException if the URL has the implicit form but an unknown kind or a malformed id
   */
  public static Optional<ImplicitValueSet> of(String url) {
    if (url == null || !url.startsWith(SNOMED)) {
      return Optional.empty();
    }
    int query = url.indexOf(QUERY);
    if (query < 0) {
      return Optional.empty();
    }
    String rest = url.substring(query + QUERY.length());
    if (rest.isEmpty()) {
      return Optional.of(new ImplicitValueSet(url, "*"));
    }
    if (!rest.startsWith("=")) {
      return Optional.empty();
    }
    String selection = rest.substring(1);
    if (selection.startsWith("isa/")) {
      return Optional.of(new ImplicitValueSet(url, "<< " + sctid(selection.substring(4))));
    }
    if (selection.startsWith("refset/")) {
      return Optional.of(new ImplicitValueSet(url, "^ " + sctid(selection.substring(7))));
    }
    if (selection.startsWith("ecl/")) {
      return Optional.of(
          new ImplicitValueSet(
              url, URLDecoder.decode(selection.substring(4), StandardCharsets.UTF_8)));
    }
    throw new EclException(
        "Unknown implicit SNOMED CT ValueSet '"
            + selection
            + "': use fhir_vs, fhir_vs=isa/<id>, fhir_vs=refset/<id> or fhir_vs=ecl/<expression>");
  }

  private static String sctid(String id) {
    if (!id.matches("[1-9][0-9]{5,17}")) {
      throw new EclException("'" + id + "' is not a SNOMED CT concept id");
    }
    return id;
  }
}
