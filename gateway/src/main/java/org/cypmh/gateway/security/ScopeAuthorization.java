package org.cypmh.gateway.security;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.interceptor.auth.AuthorizationInterceptor;
import ca.uhn.fhir.rest.server.interceptor.auth.IAuthRule;
import ca.uhn.fhir.rest.server.interceptor.auth.IAuthRuleBuilder;
import ca.uhn.fhir.rest.server.interceptor.auth.IAuthRuleBuilderRule;
import ca.uhn.fhir.rest.server.interceptor.auth.IAuthRuleBuilderRuleConditional;
import ca.uhn.fhir.rest.server.interceptor.auth.IAuthRuleBuilderRuleOp;
import ca.uhn.fhir.rest.server.interceptor.auth.IAuthRuleFinished;
import ca.uhn.fhir.rest.server.interceptor.auth.IAuthRuleTester;
import ca.uhn.fhir.rest.server.interceptor.auth.PolicyEnum;
import ca.uhn.fhir.rest.server.interceptor.auth.RuleBuilder;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import org.cypmh.gateway.fhir.FhirServerInterceptor;
import org.cypmh.gateway.fhir.Refusal;
import org.hl7.fhir.r4.model.Patient;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Component;

/**
 * HAPI's authorization interceptor, with rules made per request from the authenticated partner's
 * SMART v2 scopes: {@code c} allows create (also conditional), {@code r} or {@code s} read and
 * search (HAPI does not tell them apart), {@code u} update, {@code d} delete. Operations are
 * allowed by name only where listed below; every other operation ({@code $route-preview}, {@code
 * $transition-watch}, {@code $audit-verify}, {@code $replay}, ...) is the operator's. The operator
 * (admin role, or trusted-header mode without the header) may do everything. Denied: 403 with an
 * OperationOutcome {@code forbidden}.
 */
@Component
class ScopeAuthorization extends AuthorizationInterceptor implements FhirServerInterceptor {

  private final SecurityProperties properties;

  ScopeAuthorization(SecurityProperties properties) {
    super(PolicyEnum.DENY);
    this.properties = properties;
  }

  @Override
  public List<IAuthRule> buildRuleList(RequestDetails request) {
    if (properties.mode() == SecurityProperties.Mode.TRUSTED_HEADER) {
      // The header only names the organisation; what it may see is consent's business.
      return new RuleBuilder().allowAll().build();
    }
    if (!(request instanceof ServletRequestDetails)) {
      // The gateway's own internal requests (SystemRequestDetails), not a partner's.
      return new RuleBuilder().allowAll().build();
    }
    PartnerAuthentication partner = partnerOf(request);
    if (partner == null) {
      // Only public requests get here without a partner (the security chain answers 401 to the
      // rest): the CapabilityStatement, which SMART clients read before they have credentials.
      return new RuleBuilder()
          .allow()
          .metadata()
          .andThen()
          .denyAll("No authenticated partner")
          .build();
    }
    if (partner.partner().isAdmin()) {
      return new RuleBuilder().allowAll().build();
    }
    return rulesFor(
        partner.scopes().stream().map(SmartScope::parse).filter(Objects::nonNull).toList());
  }

  /**
   * A write of a resource type the partner has no scope for is refused before anything else looks
   * at the body (profile validation would otherwise answer 422 with details of a resource the
   * partner may not send at all). Everything else is decided by the rules.
   */
  @Hook(value = Pointcut.SERVER_INCOMING_REQUEST_POST_PROCESSED, order = -1000)
  public boolean refuseWritesOutOfScope(RequestDetails request) {
    if (properties.mode() == SecurityProperties.Mode.TRUSTED_HEADER
        || request.getRestOperationType() == null
        || request.getResourceName() == null) {
      return true;
    }
    PartnerAuthentication partner = partnerOf(request);
    if (partner == null || partner.partner().isAdmin()) {
      return true;
    }
    java.util.function.Predicate<SmartScope> permission =
        switch (request.getRestOperationType()) {
          case CREATE -> SmartScope::create;
          case UPDATE, PATCH -> scope -> scope.update() || scope.create();
          case DELETE -> SmartScope::delete;
          default -> null;
        };
    if (permission != null
        && !grants(
            partner.scopes().stream().map(SmartScope::parse).filter(Objects::nonNull).toList(),
            request.getResourceName(),
            permission)) {
      handleDeny(null);
    }
    return true;
  }

  /** A refusal is a 403 whose OperationOutcome says {@code forbidden}, not HAPI's "processing". */
  @Override
  protected void handleDeny(Verdict verdict) {
    throw Refusal.forbidden("Not allowed by this partner's scopes", null);
  }

  static List<IAuthRule> rulesFor(List<SmartScope> scopes) {
    List<IAuthRule> built = new ArrayList<>();
    built.addAll(rule(rules -> rules.allow().metadata()));
    // Terminology lookups carry no patient data; any partner may use them.
    for (String operation : List.of("$expand", "$lookup", "$validate-code", "$translate")) {
      built.addAll(
          rule(
              rules ->
                  rules.allow().operation().named(operation).atAnyLevel().andAllowAllResponses()));
    }
    built.addAll(
        rule(rules -> rules.allow().transaction().withAnyOperation().andApplyNormalRules()));
    for (SmartScope scope : scopes) {
      if (scope.create()) {
        built.addAll(op(scope, IAuthRuleBuilderRule::create));
        built.addAll(conditional(scope, IAuthRuleBuilderRule::createConditional));
      }
      if (scope.read() || scope.search()) {
        built.addAll(op(scope, IAuthRuleBuilderRule::read));
      }
      if (scope.update()) {
        built.addAll(op(scope, IAuthRuleBuilderRule::write));
        built.addAll(conditional(scope, IAuthRuleBuilderRule::updateConditional));
      }
      if (scope.delete()) {
        built.addAll(op(scope, IAuthRuleBuilderRule::delete));
      }
    }
    List<IAuthRule> operations = new ArrayList<>();
    if (grants(scopes, "ServiceRequest", SmartScope::create)) {
      // BaRS referrals and responses. The gateway stores what the message carries (its resources,
      // the Task an answer moves on, the message itself) as the partner's writes inside this
      // operation only: whose records they may change is still decided by ownership and consent.
      operations.addAll(
          new RuleBuilder()
              .allow()
              .operation()
              .named("$process-message")
              .onServer()
              .andAllowAllResponses()
              .build());
      IAuthRuleTester insideProcessMessage =
          new IAuthRuleTester() {
            @Override
            public boolean matches(RuleTestRequest test) {
              // Transaction entries run as sub-requests without the operation's name; the HTTP
              // request they belong to says it.
              return "$process-message".equals(test.requestDetails.getOperation())
                  || (test.requestDetails instanceof ServletRequestDetails servlet
                      && servlet.getServletRequest().getRequestURI().endsWith("/$process-message"));
            }
          };
      operations.addAll(
          rule(
              rules ->
                  rules
                      .allow()
                      .create()
                      .allResources()
                      .withAnyId()
                      .withTester(insideProcessMessage)));
      operations.addAll(
          rule(
              rules ->
                  rules
                      .allow()
                      .write()
                      .allResources()
                      .withAnyId()
                      .withTester(insideProcessMessage)));
      operations.addAll(
          rule(
              rules ->
                  rules
                      .allow()
                      .createConditional()
                      .allResources()
                      .withTester(insideProcessMessage)));
      operations.addAll(
          rule(
              rules ->
                  rules
                      .allow()
                      .updateConditional()
                      .allResources()
                      .withTester(insideProcessMessage)));
    }
    if (grants(scopes, "Procedure", SmartScope::read)) {
      // The extracts check themselves that a partner asks only for its own provider's rows.
      for (String extract : List.of("$mhsds-extract", "$mhsds-table")) {
        operations.addAll(
            new RuleBuilder()
                .allow()
                .operation()
                .named(extract)
                .onServer()
                .andAllowAllResponses()
                .build());
      }
    }
    if (grants(scopes, "MeasureReport", SmartScope::read)) {
      // $measures checks itself that a partner asks only for its own provider's figures.
      operations.addAll(
          new RuleBuilder()
              .allow()
              .operation()
              .named("$measures")
              .onServer()
              .andAllowAllResponses()
              .build());
    }
    if (grants(scopes, "Patient", SmartScope::read)) {
      // Each resource returned is checked against the read rules (and consent) as well.
      operations.addAll(
          new RuleBuilder()
              .allow()
              .operation()
              .named("$everything")
              .onInstancesOfType(Patient.class)
              .andRequireExplicitResponseAuthorization()
              .build());
    }
    built.addAll(operations);
    built.addAll(new RuleBuilder().denyAll("Not allowed by this partner's scopes").build());
    return built;
  }

  /**
   * One rule from a fresh builder. HAPI 8.8's builder caches create() and write() in the same
   * field, so on a shared builder a {@code u} after a {@code c} quietly became a second create rule
   * and updates were refused; one builder per rule keeps each rule what it says.
   */
  /** An interaction on the scope's resource type (or every type for {@code *}), any id. */
  private static List<IAuthRule> op(
      SmartScope scope, Function<IAuthRuleBuilderRule, ? extends IAuthRuleBuilderRuleOp> kind) {
    return rule(
        rules -> {
          IAuthRuleBuilderRuleOp op = kind.apply(rules.allow());
          return (scope.allTypes() ? op.allResources() : op.resourcesOfType(scope.resourceType()))
              .withAnyId();
        });
  }

  /** A conditional create or update on the scope's resource type (or every type). */
  private static List<IAuthRule> conditional(
      SmartScope scope, Function<IAuthRuleBuilderRule, IAuthRuleBuilderRuleConditional> kind) {
    return rule(
        rules -> {
          IAuthRuleBuilderRuleConditional conditional = kind.apply(rules.allow());
          return scope.allTypes()
              ? conditional.allResources()
              : conditional.resourcesOfType(scope.resourceType());
        });
  }

  private static List<IAuthRule> rule(Function<IAuthRuleBuilder, IAuthRuleFinished> make) {
    return make.apply(new RuleBuilder()).build();
  }

  private static boolean grants(
      List<SmartScope> scopes, String type, java.util.function.Predicate<SmartScope> permission) {
    return scopes.stream().anyMatch(scope -> scope.covers(type) && permission.test(scope));
  }

  static PartnerAuthentication partnerOf(RequestDetails request) {
    if (!(request instanceof ServletRequestDetails)) {
      return null;
    }
    Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
    return authentication instanceof PartnerAuthentication partner ? partner : null;
  }
}
