package org.cypmh.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.interceptor.auth.AuthorizationInterceptor;
import ca.uhn.fhir.rest.server.interceptor.auth.IAuthRule;
import ca.uhn.fhir.rest.server.interceptor.auth.PolicyEnum;
import java.util.List;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.Test;

/** The rules SMART scopes make, evaluated by HAPI's own authorization interceptor. */
class ScopeAuthorizationTest {

  private static final FhirContext FHIR = FhirContext.forR4Cached();

  @Test
  void updateScopeAllowsAnUpdateOfThatTypeOnly() {
    List<IAuthRule> rules =
        ScopeAuthorization.rulesFor(List.of(SmartScope.parse("system/Task.rus")));

    assertThat(decide(rules, RestOperationTypeEnum.UPDATE, "Task")).isEqualTo(PolicyEnum.ALLOW);
    assertThat(decide(rules, RestOperationTypeEnum.UPDATE, "ServiceRequest"))
        .isEqualTo(PolicyEnum.DENY);
  }

  @Test
  void updateAfterCreateInOneScopeIsStillAnUpdate() {
    // HAPI's rule builder shares one field for create() and write(): "cu" must not lose the "u".
    List<IAuthRule> rules =
        ScopeAuthorization.rulesFor(List.of(SmartScope.parse("system/Task.crus")));

    assertThat(decide(rules, RestOperationTypeEnum.UPDATE, "Task")).isEqualTo(PolicyEnum.ALLOW);
    assertThat(decide(rules, RestOperationTypeEnum.CREATE, "Task")).isEqualTo(PolicyEnum.ALLOW);
    assertThat(decide(rules, RestOperationTypeEnum.DELETE, "Task")).isEqualTo(PolicyEnum.DENY);
  }

  @Test
  void whatAMessageCarriesIsStoredOnlyInsideProcessMessage() {
    List<IAuthRule> rules =
        ScopeAuthorization.rulesFor(List.of(SmartScope.parse("system/ServiceRequest.c")));

    assertThat(decide(rules, RestOperationTypeEnum.CREATE, "Bundle", "$process-message"))
        .isEqualTo(PolicyEnum.ALLOW);
    assertThat(decide(rules, RestOperationTypeEnum.CREATE, "Bundle", null))
        .isEqualTo(PolicyEnum.DENY);
  }

  @Test
  void readScopeAloneDeniesAnUpdate() {
    List<IAuthRule> rules =
        ScopeAuthorization.rulesFor(List.of(SmartScope.parse("system/Task.rs")));

    assertThat(decide(rules, RestOperationTypeEnum.UPDATE, "Task")).isEqualTo(PolicyEnum.DENY);
  }

  private static PolicyEnum decide(
      List<IAuthRule> rules, RestOperationTypeEnum operation, String type) {
    return decide(rules, operation, type, null);
  }

  private static PolicyEnum decide(
      List<IAuthRule> rules, RestOperationTypeEnum operation, String type, String inside) {
    AuthorizationInterceptor interceptor =
        new AuthorizationInterceptor(PolicyEnum.DENY) {
          @Override
          public List<IAuthRule> buildRuleList(ca.uhn.fhir.rest.api.server.RequestDetails r) {
            return rules;
          }
        };
    SystemRequestDetails request = new SystemRequestDetails();
    request.setFhirContext(FHIR);
    request.setRestOperationType(operation);
    request.setResourceName(type);
    request.setOperation(inside);
    IdType id = new IdType(type, "1");
    request.setId(id);
    Task body = new Task();
    body.setId(new IdType(type, "1", "2"));
    return interceptor
        .applyRulesAndReturnDecision(
            operation,
            request,
            null,
            request.getId(),
            null,
            inside == null
                ? Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED
                : Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED)
        .getDecision();
  }
}
