package org.cypmh.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SmartScopeTest {

  @Test
  void systemScopeGrantsExactlyItsPermissions() {
    SmartScope scope = SmartScope.parse("system/CarePlan.rs");

    assertThat(scope.resourceType()).isEqualTo("CarePlan");
    assertThat(scope.read()).isTrue();
    assertThat(scope.search()).isTrue();
    assertThat(scope.create()).isFalse();
    assertThat(scope.update()).isFalse();
    assertThat(scope.delete()).isFalse();
    assertThat(scope.covers("CarePlan")).isTrue();
    assertThat(scope.covers("ServiceRequest")).isFalse();
  }

  @Test
  void wildcardCoversEveryType() {
    assertThat(SmartScope.parse("system/*.rs").covers("Task")).isTrue();
  }

  @Test
  void onlySmartV2SystemScopesAreAccepted() {
    for (String scope :
        List.of(
            "system/CarePlan.read",
            "patient/CarePlan.rs",
            "system/CarePlan.sr",
            "system/CarePlan.",
            "user/*.cruds",
            "system/carePlan.r")) {
      assertThat(SmartScope.isValid(scope)).as(scope).isFalse();
      assertThat(SmartScope.parse(scope)).as(scope).isNull();
    }
  }

  @Test
  void registrationWithAnInvalidScopeIsRefusedNamingIt() {
    assertThatThrownBy(
            () ->
                new PartnerRegistration(
                    "gp",
                    "Y99901",
                    PartnerRole.PARTNER,
                    Set.of(AuthMethod.MTLS),
                    "CN=gp,OU=Y99901",
                    null,
                    null,
                    null,
                    List.of("system/CarePlan.read"),
                    null))
        .hasMessageContaining("system/CarePlan.read");
  }

  @Test
  void registrationForTokensNeedsPublicKeys() {
    assertThatThrownBy(
            () ->
                new PartnerRegistration(
                    "gp",
                    "Y99901",
                    PartnerRole.PARTNER,
                    Set.of(AuthMethod.PRIVATE_KEY_JWT),
                    null,
                    null,
                    null,
                    null,
                    List.of("system/CarePlan.rs"),
                    null))
        .hasMessageContaining("jwks");
  }
}
