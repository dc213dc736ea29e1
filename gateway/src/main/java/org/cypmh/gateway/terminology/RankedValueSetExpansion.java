package org.cypmh.gateway.terminology;

import ca.uhn.fhir.context.support.ConceptValidationOptions;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.context.support.ValidationSupportContext;
import ca.uhn.fhir.jpa.model.util.JpaConstants;
import ca.uhn.fhir.jpa.provider.ValueSetOperationProvider;
import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Comparator;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.instance.model.api.IPrimitiveType;
import org.hl7.fhir.r4.model.ValueSet;
import org.springframework.context.annotation.Primary;
import org.springframework.stereotype.Component;

/**
 * {@code ValueSet/$expand} where a {@code filter} is given: the ValueSet's concepts whose display
 * has every word of the filter as a word prefix, in any order, ranked by relevance (Hibernate
 * Search over HAPI's terminology index). Without a filter, or for an inline {@code valueSet}
 * parameter, HAPI's own expansion answers unchanged.
 *
 * <p>HAPI's filter matches the filter as one phrase prefix ("eating dis" but not "eat dis" or
 * "disorder eating"), which is not how people search for codes.
 */
@Component
@Primary
class RankedValueSetExpansion extends ValueSetOperationProvider {

  /** Candidates taken from the index per included code system before membership is checked. */
  private static final int CANDIDATES = 500;

  private static final int DEFAULT_COUNT = 50;

  private final ConceptSearch conceptSearch;

  RankedValueSetExpansion(ConceptSearch conceptSearch) {
    this.conceptSearch = conceptSearch;
  }

  @Override
  @Operation(name = JpaConstants.OPERATION_EXPAND, idempotent = true, typeName = "ValueSet")
  public IBaseResource expand(
      HttpServletRequest servletRequest,
      @IdParam(optional = true) IIdType id,
      @OperationParam(name = "valueSet", min = 0, max = 1) IBaseResource valueSet,
      @OperationParam(name = "url", min = 0, max = 1, typeName = "uri") IPrimitiveType<String> url,
      @OperationParam(name = "valueSetVersion", min = 0, max = 1, typeName = "string")
          IPrimitiveType<String> valueSetVersion,
      @OperationParam(name = "filter", min = 0, max = 1, typeName = "string")
          IPrimitiveType<String> filter,
      @OperationParam(name = "context", min = 0, max = 1, typeName = "string")
          IPrimitiveType<String> context,
      @OperationParam(name = "contextDirection", min = 0, max = 1, typeName = "string")
          IPrimitiveType<String> contextDirection,
      @OperationParam(name = "offset", min = 0, max = 1, typeName = "integer")
          IPrimitiveType<Integer> offset,
      @OperationParam(name = "count", min = 0, max = 1, typeName = "integer")
          IPrimitiveType<Integer> count,
      @OperationParam(
              name = JpaConstants.OPERATION_EXPAND_PARAM_DISPLAY_LANGUAGE,
              min = 0,
              max = 1,
              typeName = "code")
          IPrimitiveType<String> displayLanguage,
      @OperationParam(
              name = JpaConstants.OPERATION_EXPAND_PARAM_INCLUDE_HIERARCHY,
              min = 0,
              max = 1,
              typeName = "boolean")
          IPrimitiveType<Boolean> includeHierarchy,
      RequestDetails requestDetails) {
    boolean ranked = filter != null && !filter.isEmpty() && valueSet == null;
    if (!ranked) {
      return super.expand(
          servletRequest,
          id,
          valueSet,
          url,
          valueSetVersion,
          filter,
          context,
          contextDirection,
          offset,
          count,
          displayLanguage,
          includeHierarchy,
          requestDetails);
    }
    ValueSet target = resolve(id, url, requestDetails);
    int first = offset == null || offset.getValue() == null ? 0 : offset.getValue();
    int size = count == null || count.getValue() == null ? DEFAULT_COUNT : count.getValue();
    if (first < 0 || size < 0) {
      throw new InvalidRequestException("offset and count must not be negative");
    }
    List<ConceptSearch.Match> members = rankedMembers(target, filter.getValue());
    return expansion(target, filter.getValue(), members, first, size);
  }

  private ValueSet resolve(IIdType id, IPrimitiveType<String> url, RequestDetails request) {
    if (id != null && id.hasIdPart()) {
      return (ValueSet) getDao().read(id, request);
    }
    if (url == null || url.isEmpty()) {
      throw new InvalidRequestException(
          "$expand needs a ValueSet id, a url or a valueSet parameter");
    }
    IBaseResource found = myValidationSupport.fetchValueSet(url.getValue());
    if (found == null) {
      throw new ResourceNotFoundException("No ValueSet with url " + url.getValue());
    }
    return (ValueSet) found;
  }

  private List<ConceptSearch.Match> rankedMembers(ValueSet valueSet, String filter) {
    Set<String> systems = new LinkedHashSet<>();
    valueSet
        .getCompose()
        .getInclude()
        .forEach(
            include -> {
              if (include.hasSystem()) {
                systems.add(include.getSystem());
              }
            });
    ValidationSupportContext context = new ValidationSupportContext(myValidationSupport);
    ConceptValidationOptions options = new ConceptValidationOptions();
    return systems.stream()
        .flatMap(system -> conceptSearch.search(system, filter, CANDIDATES).stream())
        .filter(match -> isMember(context, options, match, valueSet))
        .sorted(Comparator.comparing(ConceptSearch.Match::score).reversed())
        .toList();
  }

  private boolean isMember(
      ValidationSupportContext context,
      ConceptValidationOptions options,
      ConceptSearch.Match match,
      ValueSet valueSet) {
    IValidationSupport.CodeValidationResult result =
        myValidationSupport.validateCodeInValueSet(
            context, options, match.system(), match.code(), null, valueSet);
    return result != null && result.isOk();
  }

  private static ValueSet expansion(
      ValueSet source, String filter, List<ConceptSearch.Match> members, int first, int size) {
    ValueSet result = new ValueSet();
    result.setUrl(source.getUrl());
    result.setVersion(source.getVersion());
    result.setName(source.getName());
    result.setTitle(source.getTitle());
    result.setStatus(source.getStatus());
    ValueSet.ValueSetExpansionComponent expansion = result.getExpansion();
    expansion.setIdentifier("urn:uuid:" + UUID.randomUUID());
    expansion.setTimestamp(new Date());
    expansion.setTotal(members.size());
    expansion.setOffset(first);
    expansion
        .addParameter()
        .setName("filter")
        .setValue(new org.hl7.fhir.r4.model.StringType(filter));
    expansion
        .addParameter()
        .setName("offset")
        .setValue(new org.hl7.fhir.r4.model.IntegerType(first));
    expansion.addParameter().setName("count").setValue(new org.hl7.fhir.r4.model.IntegerType(size));
    members.stream()
        .skip(first)
        .limit(size)
        .forEach(
            m ->
                expansion
                    .addContains()
                    .setSystem(m.system())
                    .setCode(m.code())
                    .setDisplay(m.display()));
    return result;
  }
}
