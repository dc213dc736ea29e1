package org.cypmh.gateway.fhir;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * Answers {@code subject:identifier=https://fhir.nhs.uk/Id/nhs-number|...}, the form NHS APIs and
 * GP systems use to find a young person's records by NHS number.
 *
 * <p>HAPI's JPA search does not implement the {@code :identifier} reference modifier. Every
 * reference the gateway stores points at a stored resource, so "the reference's identifier" and
 * "the identifier of the referenced resource" are the same thing here; the modifier is answered as
 * the equivalent chained search {@code subject.identifier=...}.
 */
@Component
class ReferenceIdentifierSearch implements FhirServerInterceptor {

  private static final String MODIFIER = ":identifier";

  @Hook(Pointcut.SERVER_INCOMING_REQUEST_POST_PROCESSED)
  boolean rewrite(RequestDetails request) {
    if (!isSearch(request.getRestOperationType())) {
      return true;
    }
    Map<String, String[]> parameters = request.getParameters();
    if (parameters.keySet().stream().noneMatch(name -> name.endsWith(MODIFIER))) {
      return true;
    }
    Map<String, String[]> rewritten = new LinkedHashMap<>();
    parameters.forEach(
        (name, values) ->
            rewritten.merge(chained(name), values, ReferenceIdentifierSearch::concat));
    request.setParameters(rewritten);
    return true;
  }

  private static boolean isSearch(RestOperationTypeEnum operation) {
    return operation == RestOperationTypeEnum.SEARCH_TYPE
        || operation == RestOperationTypeEnum.SEARCH_SYSTEM;
  }

  private static String chained(String name) {
    return name.endsWith(MODIFIER)
        ? name.substring(0, name.length() - MODIFIER.length()) + ".identifier"
        : name;
  }

  private static String[] concat(String[] first, String[] second) {
    String[] all = new String[first.length + second.length];
    System.arraycopy(first, 0, all, 0, first.length);
    System.arraycopy(second, 0, all, first.length, second.length);
    return all;
  }
}
