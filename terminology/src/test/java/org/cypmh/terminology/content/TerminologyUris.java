package org.cypmh.terminology.content;

import org.cypmh.terminology.api.TerminologyContent;

/** URIs the generator and the hand-written JSON share. */
final class TerminologyUris {

  /** Version of our own conformance resources (not of SNOMED CT). */
  static final String CONTENT_VERSION = "0.1.0";

  /** Base URI of the fragment's own properties (category, source). */
  static final String FRAGMENT_PROPERTY_BASE =
      TerminologyContent.CANONICAL_BASE + "/CodeSystem/snomed-cypmh-fragment#";

  private TerminologyUris() {}
}
