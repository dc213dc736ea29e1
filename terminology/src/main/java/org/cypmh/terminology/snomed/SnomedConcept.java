package org.cypmh.terminology.snomed;

import java.util.List;

/**
 * A concept as the index holds it: its preferred term (the FHIR display), fully specified name and
 * other active synonyms.
 */
public record SnomedConcept(
    String code,
    String display,
    boolean active,
    String fullySpecifiedName,
    List<String> synonyms) {}
