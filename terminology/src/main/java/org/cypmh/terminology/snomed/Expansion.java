package org.cypmh.terminology.snomed;

import java.util.List;

/** One page of an expansion: the exact number of matching concepts, and the page's concepts. */
public record Expansion(int total, List<SnomedConcept> concepts) {}
