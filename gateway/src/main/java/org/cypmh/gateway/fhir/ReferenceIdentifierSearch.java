package org.cypmh.gateway.fhir;

import ca.uhn.fhir.context.RuntimeSearchParam;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.util.ISearchParamRegistry;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.cypmh.profiles.api.ConformancePackage;
import org.springframework.stereotype.Component;

/**
 * Answers {@code subject:identifier=https://fhir.nhs.uk/Id/nhs-number|...}, the form NHS APIs and
 * GP systems use to find a young person's records by NHS number.
 *
 * <p>HAPI's JPA search does not implement the {@code :identifier} reference modifier. Every
 * reference the gateway stores points at a stored resource, so "the reference's identifier" and
 * "the identifier of the referenced resource" are the same thing here; the modifier is answered as
 * the equivalent typed chain, {@code subject:Patient.identifier=...}. The type comes from the
 * identifier system (an NHS number identifies a Patient, an ODS code an Organization) or, failing
 * that, from the only type the reference can point to that the gateway serves.
 */
@Component
class ReferenceIdentifierSearch implements FhirServerInterceptor {

  private static final String MODIFIER = ":identifier";

  private static final Map<String, String> TYPE_BY_IDENTIFIER_SYSTEM =
      Map.of(
          ConformancePackage.NHS_NUMBER_SYSTEM,
          "Patient",
          ConformancePackage.ODS_ORGANIZATION_SYSTEM,
          "Organization",
          "https://fhir.nhs.uk/Id/ods-site-code",
          "Organization");

  private final ISearchParamRegistry searchParams;
  private final DaoRegistry daoRegistry;

  ReferenceIdentifierSearch(ISearchParamRegistry searchParams, DaoRegistry daoRegistry) {
    this.searchParams = searchParams;
    this.daoRegistry = daoRegistry;
  }

  @Hook(Pointcut.SERVER_INCOMING_REQUEST_POST_PROCESSED)
  boolean rewrite(RequestDetails request) {
    if (request.getRestOperationType() != RestOperationTypeEnum.SEARCH_TYPE) {
      return true;
    }
    Map<String, String[]> parameters = request.getParameters();
    if (parameters.keySet().stream().noneMatch(name -> name.endsWith(MODIFIER))) {
      return true;
    }
    Map<String, String[]> rewritten = new LinkedHashMap<>();
    parameters.forEach(
        (name, values) -> {
          String newName =
              name.endsWith(MODIFIER) ? chained(request.getResourceName(), name, values) : name;
          rewritten.merge(newName, values, ReferenceIdentifierSearch::concat);
        });
    request.setParameters(rewritten);
    return true;
  }

  private String chained(String resourceType, String name, String[] values) {
    String param = name.substring(0, name.length() - MODIFIER.length());
    String targetType = typeFromSystem(values);
    if (targetType == null) {
      Set<String> candidates = servedTargets(resourceType, param);
      if (candidates.size() != 1) {
        throw new InvalidRequestException(
            name
                + " needs an identifier system the gateway recognises ("
                + String.join(", ", new TreeSet<>(TYPE_BY_IDENTIFIER_SYSTEM.keySet()))
                + ") or a typed chain such as "
                + param
                + ":"
                + first(candidates)
                + ".identifier");
      }
      targetType = candidates.iterator().next();
    }
    return param + ":" + targetType + ".identifier";
  }

  private static String typeFromSystem(String[] values) {
    String type = null;
    for (String value : values) {
      for (String token : value.split(",")) {
        int bar = token.indexOf('|');
        String candidate = bar < 0 ? null : TYPE_BY_IDENTIFIER_SYSTEM.get(token.substring(0, bar));
        if (candidate == null || (type != null && !type.equals(candidate))) {
          return null;
        }
        type = candidate;
      }
    }
    return type;
  }

  private Set<String> servedTargets(String resourceType, String param) {
    RuntimeSearchParam definition =
        searchParams.getActiveSearchParam(
            resourceType, param, ISearchParamRegistry.SearchParamLookupContextEnum.SEARCH);
    if (definition == null) {
      throw new InvalidRequestException(
          "Unknown search parameter " + param + " for " + resourceType);
    }
    Set<String> served = new TreeSet<>();
    definition.getTargets().stream()
        .filter(daoRegistry::isResourceTypeSupported)
        .forEach(served::add);
    return served;
  }

  private static String first(Set<String> candidates) {
    return candidates.isEmpty() ? "Patient" : candidates.iterator().next();
  }

  private static String[] concat(String[] first, String[] second) {
    String[] all = new String[first.length + second.length];
    System.arraycopy(first, 0, all, 0, first.length);
    System.arraycopy(second, 0, all, first.length, second.length);
    return all;
  }
}
