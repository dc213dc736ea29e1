package org.cypmh.gateway.storage;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.dao.BaseHapiFhirDao;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.util.XmlUtil;
import java.util.List;
import javax.xml.stream.events.XMLEvent;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IDomainResource;

/**
 * The words HAPI indexes for a resource's {@code _content} and {@code _text}, extracted exactly as
 * its write path does ({@code BaseHapiFhirDao.populateFullTextFieldsAndSetEntityStatus}): HAPI
 * keeps them only in transient fields of the entity being written, so a rebuild of the index has to
 * extract them again from the stored resource.
 */
final class ResourceText {

  private ResourceText() {}

  /** Every string element's value, one per line: what {@code _content} searches. */
  static String content(FhirContext fhirContext, IBaseResource resource) {
    return BaseHapiFhirDao.parseContentTextIntoWords(fhirContext, resource);
  }

  /**
   * The narrative's text, without its markup: what {@code _text} searches. HAPI's own extraction
   * ({@code BaseHapiFhirDao.parseNarrativeTextIntoWords}) is private; this is the same for R4.
   */
  static String narrative(IBaseResource resource) {
    if (resource == null) {
      return null;
    }
    StringBuilder words = new StringBuilder();
    if (resource instanceof IDomainResource domainResource) {
      List<XMLEvent> events;
      try {
        events = XmlUtil.parse(domainResource.getText().getDivAsString());
      } catch (Exception e) {
        throw new DataFormatException("Unable to convert DIV to string", e);
      }
      if (events != null) {
        for (XMLEvent event : events) {
          if (event.isCharacters()) {
            words.append(event.asCharacters().getData()).append(' ');
          }
        }
      }
    }
    return words.toString();
  }
}
