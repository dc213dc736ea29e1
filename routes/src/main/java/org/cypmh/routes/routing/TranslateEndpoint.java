package org.cypmh.routes.routing;

import java.util.List;
import org.apache.camel.Consumer;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.support.DefaultProducer;
import org.cypmh.terminology.api.CodeTranslation;
import org.cypmh.terminology.api.Translation;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.ServiceRequest;

/**
 * {@code gateway:translate?conceptMap=<url>&element=performerType}: adds, to each coding of the
 * element that the ConceptMap maps, the mapped target codings. The source coding stays, so the
 * partner still sees what the referrer said. Elements: {@code performerType}, {@code reasonCode},
 * {@code code}, {@code category}.
 */
final class TranslateEndpoint extends GatewayEndpoint {

  private static final List<String> ELEMENTS =
      List.of("performerType", "reasonCode", "code", "category");

  private final CodeTranslation translation;

  TranslateEndpoint(
      String uri,
      GatewayComponent component,
      String conceptMap,
      String element,
      CodeTranslation translation) {
    super(uri, component, "translate");
    if (conceptMap == null || conceptMap.isBlank()) {
      throw new IllegalArgumentException("gateway:translate needs conceptMap=<canonical URL>");
    }
    if (!ELEMENTS.contains(element)) {
      throw new IllegalArgumentException(
          "gateway:translate element must be one of " + ELEMENTS + ", not '" + element + "'");
    }
    setConceptMap(conceptMap);
    setElement(element);
    this.translation = translation;
  }

  @Override
  public Producer createProducer() {
    return new DefaultProducer(this) {
      @Override
      public void process(Exchange exchange) {
        ServiceRequest outgoing = Blocks.referral(exchange, "gateway:translate").outgoing();
        concepts(outgoing).forEach(TranslateEndpoint.this::translate);
      }
    };
  }

  @Override
  public Consumer createConsumer(Processor processor) {
    throw new UnsupportedOperationException("gateway:translate can only be sent to");
  }

  private void translate(CodeableConcept concept) {
    for (Coding source : List.copyOf(concept.getCoding())) {
      if (!source.hasCode()) {
        continue;
      }
      Translation result = translation.translate(source, getConceptMap());
      result.targets().stream()
          .filter(t -> t.code() != null)
          .filter(
              t ->
                  concept.getCoding().stream()
                      .noneMatch(c -> t.sameTarget(c.getSystem(), c.getCode())))
          .forEach(t -> concept.addCoding(t.target().copy()));
    }
  }

  private List<CodeableConcept> concepts(ServiceRequest referral) {
    return switch (getElement()) {
      case "performerType" -> List.of(referral.getPerformerType());
      case "code" -> List.of(referral.getCode());
      case "reasonCode" -> referral.getReasonCode();
      default -> referral.getCategory();
    };
  }
}
