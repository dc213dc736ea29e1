package org.cypmh.gateway.terminology;

import ca.uhn.fhir.context.support.ValueSetExpansionOptions;
import ca.uhn.fhir.jpa.api.config.JpaStorageSettings;
import ca.uhn.fhir.jpa.model.util.JpaConstants;
import ca.uhn.fhir.jpa.provider.ValueSetOperationProvider;
import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.cypmh.profiles.api.ConformancePackage;
import org.cypmh.terminology.snomed.ConceptSet;
import org.cypmh.terminology.snomed.EclException;
import org.cypmh.terminology.snomed.Expansion;
import org.cypmh.terminology.snomed.ImplicitValueSet;
import org.cypmh.terminology.snomed.SnomedConcept;
import org.cypmh.terminology.snomed.SnomedIndex;
import org.cypmh.terminology.snomed.WordFilter;
import org.hl7.fhir.instance.model.api.IBaseCoding;
import org.hl7.fhir.instance.model.api.IBaseParameters;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.ICompositeType;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.instance.model.api.IPrimitiveType;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.UriType;
import org.hl7.fhir.r4.model.ValueSet;
import org.hl7.fhir.r4.model.ValueSet.ConceptSetComponent;
import org.hl7.fhir.r4.model.ValueSet.ConceptSetFilterComponent;
import org.springframework.context.annotation.Primary;
import org.springframework.stereotype.Component;

/**
 * {@code ValueSet/$expand} and {@code $validate-code} where ConformancePackage.SNOMED_SYSTEM CT's
 * size matters, answered from the in-memory {@link SnomedEdition}:
 *
 * <ul>
 *   <li>ConformancePackage.SNOMED_SYSTEM CT's implicit ValueSets ({@code
 *       http://snomed.info/sct?fhir_vs}, {@code ?fhir_vs=isa/<id>}, {@code ?fhir_vs=refset/<id>},
 *       {@code ?fhir_vs=ecl/<expression>}), with or without a filter;
 *   <li>a {@code filter} on a ValueSet whose compose is ConformancePackage.SNOMED_SYSTEM CT only
 *       (concept lists, {@code is-a}, {@code descendent-of}, {@code in} and ECL {@code constraint}
 *       filters): every member whose preferred term or a synonym has every word of the filter as a
 *       word prefix, in any order, ranked, exact total, paged; active concepts only unless {@code
 *       activeOnly=false}.
 * </ul>
 *
 * A ConformancePackage.SNOMED_SYSTEM CT-only ValueSet that selects by hierarchy, refset or ECL is
 * expanded here with or without a filter (stored, by url, or inline as {@code valueSet}); a filter
 * on any other stored ValueSet filters HAPI's full expansion the same way; everything else (no
 * filter on a concept list, other systems inline) is HAPI's own operation, unchanged. HAPI's filter
 * matches the filter as one phrase prefix ("eating dis" but not "eat dis" or "disorder eating"),
 * which is not how people search for codes.
 */
@Component
@Primary
class RankedValueSetExpansion extends ValueSetOperationProvider {

  private static final String FULLY_SPECIFIED_NAME = "900000000000003001";
  private static final String SYNONYM = "900000000000013009";
  private static final int DEFAULT_COUNT = 50;

  private final SnomedEdition edition;
  private final JpaStorageSettings storageSettings;

  RankedValueSetExpansion(SnomedEdition edition, JpaStorageSettings storageSettings) {
    this.edition = edition;
    this.storageSettings = storageSettings;
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
    String filterText = filter == null || filter.isEmpty() ? null : filter.getValue();
    Optional<ImplicitValueSet> implicit =
        valueSet == null && url != null ? implicit(url.getValue()) : Optional.empty();
    SnomedIndex index = edition.index();
    if (implicit.isPresent()) {
      Page page = page(offset, count, requestDetails);
      ValueSet header = new ValueSet();
      header.setUrl(implicit.get().url());
      header.setStatus(org.hl7.fhir.r4.model.Enumerations.PublicationStatus.ACTIVE);
      ConceptSet scope = members(index, implicit.get().ecl());
      return snomedExpansion(
          header,
          filterText,
          index.expand(scope, filterText, page.activeOnly(), page.offset(), page.count()),
          page);
    }
    ValueSet target =
        valueSet != null ? (ValueSet) valueSet : resolve(id, url, requestDetails).orElse(null);
    Optional<ConceptSet> snomedScope =
        target == null ? Optional.empty() : snomedScope(index, target);
    if (snomedScope.isPresent() && (filterText != null || selectsByHierarchy(target))) {
      Page page = page(offset, count, requestDetails);
      return snomedExpansion(
          target,
          filterText,
          index.expand(
              snomedScope.get(), filterText, page.activeOnly(), page.offset(), page.count()),
          page);
    }
    if (filterText != null && target != null && valueSet == null) {
      return filteredHapiExpansion(target, filterText, page(offset, count, requestDetails));
    }
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

  /** True if the compose selects by hierarchy, refset or ECL, which HAPI cannot expand from ECL. */
  private static boolean selectsByHierarchy(ValueSet valueSet) {
    return valueSet.getCompose().getInclude().stream().anyMatch(ConceptSetComponent::hasFilter)
        || valueSet.getCompose().getExclude().stream().anyMatch(ConceptSetComponent::hasFilter);
  }

  @Override
  @Operation(
      name = JpaConstants.OPERATION_VALIDATE_CODE,
      idempotent = true,
      typeName = "ValueSet",
      returnParameters = {
        @ca.uhn.fhir.rest.annotation.OperationParam(name = "result", typeName = "boolean", min = 1),
        @ca.uhn.fhir.rest.annotation.OperationParam(name = "message", typeName = "string"),
        @ca.uhn.fhir.rest.annotation.OperationParam(name = "display", typeName = "string"),
        @ca.uhn.fhir.rest.annotation.OperationParam(name = "sourceDetails", typeName = "string")
      })
  public IBaseParameters validateCode(
      HttpServletRequest servletRequest,
      @IdParam(optional = true) IIdType id,
      @OperationParam(name = "url", min = 0, max = 1, typeName = "uri") IPrimitiveType<String> url,
      @OperationParam(name = "valueSetVersion", min = 0, max = 1, typeName = "string")
          IPrimitiveType<String> valueSetVersion,
      @OperationParam(name = "code", min = 0, max = 1, typeName = "code")
          IPrimitiveType<String> code,
      @OperationParam(name = "system", min = 0, max = 1, typeName = "uri")
          IPrimitiveType<String> system,
      @OperationParam(name = "systemVersion", min = 0, max = 1, typeName = "string")
          IPrimitiveType<String> systemVersion,
      @OperationParam(name = "display", min = 0, max = 1, typeName = "string")
          IPrimitiveType<String> display,
      @OperationParam(name = "coding", min = 0, max = 1, typeName = "Coding") IBaseCoding coding,
      @OperationParam(name = "codeableConcept", min = 0, max = 1, typeName = "CodeableConcept")
          ICompositeType codeableConcept,
      RequestDetails requestDetails) {
    Optional<ImplicitValueSet> implicit =
        url == null || url.isEmpty() ? Optional.empty() : implicit(url.getValue());
    if (implicit.isEmpty()) {
      return super.validateCode(
          servletRequest,
          id,
          url,
          valueSetVersion,
          code,
          system,
          systemVersion,
          display,
          coding,
          codeableConcept,
          requestDetails);
    }
    String theSystem =
        coding != null ? coding.getSystem() : system == null ? null : system.getValue();
    String theCode = coding != null ? coding.getCode() : code == null ? null : code.getValue();
    if (theCode == null) {
      throw new InvalidRequestException("$validate-code needs a code (with system) or a coding");
    }
    Parameters result = new Parameters();
    SnomedIndex index = edition.index();
    Optional<SnomedConcept> concept = index.concept(theCode);
    boolean member =
        (theSystem == null || ConformancePackage.SNOMED_SYSTEM.equals(theSystem))
            && concept.isPresent()
            && members(index, implicit.get().ecl()).contains(theCode);
    result.addParameter("result", new BooleanType(member));
    if (member) {
      result.addParameter("display", new StringType(concept.get().display()));
    } else {
      result.addParameter(
          "message",
          new StringType(
              "The code "
                  + (theSystem == null ? ConformancePackage.SNOMED_SYSTEM : theSystem)
                  + "|"
                  + theCode
                  + " is not in "
                  + implicit.get().url()));
    }
    return result;
  }

  /** Offset and count as asked (default 0 and 50), and whether inactive concepts are left out. */
  private record Page(int offset, int count, boolean activeOnly, boolean designations) {}

  private static Page page(
      IPrimitiveType<Integer> offset, IPrimitiveType<Integer> count, RequestDetails request) {
    int first = offset == null || offset.getValue() == null ? 0 : offset.getValue();
    int size = count == null || count.getValue() == null ? DEFAULT_COUNT : count.getValue();
    if (first < 0 || size < 0) {
      throw new InvalidRequestException("offset and count must not be negative");
    }
    return new Page(
        first,
        size,
        !"false".equals(flag(request, "activeOnly")),
        "true".equals(flag(request, "includeDesignations")));
  }

  private static String flag(RequestDetails request, String name) {
    String[] values = request.getParameters().get(name);
    return values == null || values.length == 0 ? null : values[0];
  }

  private static Optional<ImplicitValueSet> implicit(String url) {
    try {
      return ImplicitValueSet.of(url);
    } catch (EclException e) {
      throw new InvalidRequestException(e.getMessage());
    }
  }

  private ConceptSet members(SnomedIndex index, String expression) {
    try {
      return edition.members(index, expression);
    } catch (EclException e) {
      throw new InvalidRequestException(e.getMessage());
    }
  }

  /** The ValueSet named by id or url; empty where neither is given (HAPI then answers). */
  private Optional<ValueSet> resolve(
      IIdType id, IPrimitiveType<String> url, RequestDetails request) {
    if (id != null && id.hasIdPart()) {
      return Optional.of((ValueSet) getDao().read(id, request));
    }
    if (url == null || url.isEmpty()) {
      return Optional.empty();
    }
    IBaseResource found = myValidationSupport.fetchValueSet(url.getValue());
    if (found == null) {
      throw new ResourceNotFoundException("No ValueSet with url " + url.getValue());
    }
    return Optional.of((ValueSet) found);
  }

  /**
   * The members of a ValueSet whose compose is ConformancePackage.SNOMED_SYSTEM CT only and uses
   * what the index answers; empty for anything else (other systems, imported ValueSets, unknown
   * filters).
   */
  private Optional<ConceptSet> snomedScope(SnomedIndex index, ValueSet valueSet) {
    if (!valueSet.hasCompose() || !valueSet.getCompose().hasInclude()) {
      return Optional.empty();
    }
    ConceptSet members = index.concepts(List.of());
    for (ConceptSetComponent include : valueSet.getCompose().getInclude()) {
      Optional<ConceptSet> part = snomedPart(index, include);
      if (part.isEmpty()) {
        return Optional.empty();
      }
      members = members.or(part.get());
    }
    for (ConceptSetComponent exclude : valueSet.getCompose().getExclude()) {
      Optional<ConceptSet> part = snomedPart(index, exclude);
      if (part.isEmpty()) {
        return Optional.empty();
      }
      members = members.minus(part.get());
    }
    return Optional.of(members);
  }

  private Optional<ConceptSet> snomedPart(SnomedIndex index, ConceptSetComponent part) {
    if (!ConformancePackage.SNOMED_SYSTEM.equals(part.getSystem()) || part.hasValueSet()) {
      return Optional.empty();
    }
    ConceptSet selected = index.all();
    if (part.hasConcept()) {
      selected =
          index.concepts(
              part.getConcept().stream().map(ValueSet.ConceptReferenceComponent::getCode).toList());
    }
    for (ConceptSetFilterComponent filter : part.getFilter()) {
      Optional<String> expression = ecl(filter);
      if (expression.isEmpty()) {
        return Optional.empty();
      }
      selected = selected.and(members(index, expression.get()));
    }
    return Optional.of(selected);
  }

  /**
   * A compose filter as ECL: FHIR's ConformancePackage.SNOMED_SYSTEM CT filters (concept is-a,
   * descendent-of, in).
   */
  private static Optional<String> ecl(ConceptSetFilterComponent filter) {
    String property = filter.getProperty();
    String value = filter.getValue();
    if (filter.getOp() == null) {
      return Optional.empty();
    }
    return switch (filter.getOp()) {
      case ISA -> "concept".equals(property) ? Optional.of("<< " + value) : Optional.empty();
      case DESCENDENTOF ->
          "concept".equals(property) ? Optional.of("< " + value) : Optional.empty();
      case IN -> "concept".equals(property) ? Optional.of("^ " + value) : Optional.empty();
      case EQUAL ->
          "constraint".equals(property) || "expression".equals(property)
              ? Optional.of(value)
              : Optional.empty();
      default -> Optional.empty();
    };
  }

  private static ValueSet snomedExpansion(
      ValueSet source, String filter, Expansion found, Page page) {
    ValueSet result = header(source, filter, found.total(), page);
    result
        .getExpansion()
        .addParameter()
        .setName("used-codesystem")
        .setValue(new UriType(ConformancePackage.SNOMED_SYSTEM));
    for (SnomedConcept concept : found.concepts()) {
      ValueSet.ValueSetExpansionContainsComponent contains =
          result
              .getExpansion()
              .addContains()
              .setSystem(ConformancePackage.SNOMED_SYSTEM)
              .setCode(concept.code())
              .setDisplay(concept.display());
      if (!concept.active()) {
        contains.setInactive(true);
      }
      if (page.designations()) {
        if (concept.fullySpecifiedName() != null) {
          contains
              .addDesignation()
              .setUse(
                  new Coding(
                      ConformancePackage.SNOMED_SYSTEM,
                      FULLY_SPECIFIED_NAME,
                      "Fully specified name"))
              .setValue(concept.fullySpecifiedName());
        }
        concept
            .synonyms()
            .forEach(
                synonym ->
                    contains
                        .addDesignation()
                        .setUse(new Coding(ConformancePackage.SNOMED_SYSTEM, SYNONYM, "Synonym"))
                        .setValue(synonym));
      }
    }
    return result;
  }

  /**
   * Another system's ValueSet (small): HAPI's full expansion, filtered and ranked here. The
   * expansion is the one HAPI's own {@code $expand} makes (its ValueSet DAO: the stored concepts),
   * not the validation chain's, whose in-memory expander can miss a CodeSystem stored moments ago.
   */
  private ValueSet filteredHapiExpansion(ValueSet target, String filter, Page page) {
    ValueSet expanded =
        (ValueSet)
            getDao()
                .expand(
                    target,
                    ValueSetExpansionOptions.forOffsetAndCount(
                        0, storageSettings.getMaximumExpansionSize()));
    if (expanded == null) {
      throw new InvalidRequestException("ValueSet " + target.getUrl() + " cannot be expanded");
    }
    WordFilter words = WordFilter.of(filter);
    List<ValueSet.ValueSetExpansionContainsComponent> matches = new ArrayList<>();
    for (ValueSet.ValueSetExpansionContainsComponent c : expanded.getExpansion().getContains()) {
      if (words.rank(c.getDisplay()) >= 0 && (!page.activeOnly() || !c.getInactive())) {
        matches.add(c);
      }
    }
    matches.sort(
        Comparator.comparingInt(
                (ValueSet.ValueSetExpansionContainsComponent c) -> words.rank(c.getDisplay()))
            .thenComparingInt(c -> c.getDisplay().length())
            .thenComparing(ValueSet.ValueSetExpansionContainsComponent::getCode));
    ValueSet result = header(target, filter, matches.size(), page);
    matches.stream()
        .skip(page.offset())
        .limit(page.count())
        .forEach(c -> result.getExpansion().addContains(c.copy()));
    return result;
  }

  private static ValueSet header(ValueSet source, String filter, int total, Page page) {
    ValueSet result = new ValueSet();
    result.setUrl(source.getUrl());
    result.setVersion(source.getVersion());
    result.setName(source.getName());
    result.setTitle(source.getTitle());
    result.setStatus(source.getStatus());
    ValueSet.ValueSetExpansionComponent expansion = result.getExpansion();
    expansion.setIdentifier("urn:uuid:" + UUID.randomUUID());
    expansion.setTimestamp(new Date());
    expansion.setTotal(total);
    expansion.setOffset(page.offset());
    if (filter != null) {
      expansion.addParameter().setName("filter").setValue(new StringType(filter));
    }
    expansion.addParameter().setName("offset").setValue(new IntegerType(page.offset()));
    expansion.addParameter().setName("count").setValue(new IntegerType(page.count()));
    expansion.addParameter().setName("activeOnly").setValue(new BooleanType(page.activeOnly()));
    return result;
  }
}
