package org.cypmh.gateway.terminology;

import ca.uhn.fhir.context.support.IValidationSupport;
import org.cypmh.terminology.api.CodeTranslation;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The terminology module's translation API, answered by HAPI's JPA terminology (stored
 * ConceptMaps).
 */
@Configuration(proxyBeanMethods = false)
class TerminologyConfig {

  @Bean
  CodeTranslation codeTranslation(IValidationSupport validationSupport) {
    return CodeTranslation.using(validationSupport);
  }
}
