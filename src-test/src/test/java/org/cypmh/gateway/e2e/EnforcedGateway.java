package org.cypmh.gateway.e2e;

import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.cypmh.gateway.GatewayApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ContextConfiguration;
import org.springframework.test.context.TestPropertySource;

/**
 * The shared enforced-mode test context: partners authenticate with their own client certificate
 * (dev CA, mutual-TLS port) or access token, exactly as in a deployment. Every test class that
 * attacks or exercises partner authorisation uses it, so the gateway boots once for all of them.
 * Each partner below stands for one kind of organisation in the ICS; {@link PartnerClients} issues
 * their certificates at test time.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@SpringBootTest(
    classes = GatewayApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
// Referrals are routed and delivered to the WireMock partners, as in EmbeddedGateway; and a
// second, external CA the gateway trusts, with its CRL (made before the context starts).
@ContextConfiguration(initializers = {PartnerNetwork.class, ExternalCa.Trusted.class})
@TestPropertySource(
    properties = {
      "gateway.storage.data-dir=./target/e2e-data/enforced-${random.uuid}",
      "gateway.security.mode=enforced",
      "gateway.security.demo=true",
      "gateway.security.mtls.port=0",
      // Route files kept in the database, changed by the operator over the API
      // (RouteFilesInDatabaseTest); a short poll so another node's change shows quickly.
      "routes.files.source=database",
      "routes.files.poll-interval=1s",
      // The demo CAMHS trust (RZZ in the demo directory): receives referrals, owns their Tasks,
      // runs the crisis team (break-glass), records consent and subscribes to its Tasks.
      "gateway.security.partners.camhs.ods-code=RZZ",
      "gateway.security.partners.camhs.auth-methods=mtls",
      "gateway.security.partners.camhs.certificate-subject=CN=camhs,OU=RZZ",
      "gateway.security.partners.camhs.scopes=system/ServiceRequest.crus,system/Task.ruds,"
          + "system/CarePlan.crus,system/Consent.crus,system/Patient.rs,"
          + "system/RelatedPerson.crus,system/Subscription.crus,system/Procedure.rs,"
          + "system/MeasureReport.rs",
      // A second provider (the demo MHST provider, 8ZZ03): an unrelated organisation with broad
      // scopes, the usual attacker.
      "gateway.security.partners.vcse-b.ods-code=8ZZ03",
      "gateway.security.partners.vcse-b.auth-methods=mtls",
      "gateway.security.partners.vcse-b.certificate-subject=CN=vcse-b,OU=8ZZ03",
      "gateway.security.partners.vcse-b.scopes=system/ServiceRequest.crus,system/Task.rus,"
          + "system/Patient.crus,system/CarePlan.rs,system/Consent.c,system/Subscription.crus",
      // A partner with a tiny budget, for the rate limit.
      "gateway.security.partners.throttled.ods-code=8ZZ02",
      "gateway.security.partners.throttled.auth-methods=mtls",
      "gateway.security.partners.throttled.certificate-subject=CN=throttled,OU=8ZZ02",
      "gateway.security.partners.throttled.scopes=system/Task.rs",
      "gateway.security.partners.throttled.requests-per-minute=3",
      // A partner whose certificate gets revoked.
      "gateway.security.partners.revoked.ods-code=8ZZ04",
      "gateway.security.partners.revoked.auth-methods=mtls",
      "gateway.security.partners.revoked.certificate-subject=CN=revoked,OU=8ZZ04",
      "gateway.security.partners.revoked.scopes=system/Task.rs",
      // A partner whose certificate comes from the external CA (ExternalCa), bound to that issuer.
      "gateway.security.partners.ext-partner.ods-code=8ZZ06",
      "gateway.security.partners.ext-partner.auth-methods=mtls",
      "gateway.security.partners.ext-partner.certificate-subject=CN=ext-partner,OU=8ZZ06",
      "gateway.security.partners.ext-partner.certificate-issuer=" + ExternalCa.NAME,
      "gateway.security.partners.ext-partner.scopes=system/Task.rs"
    })
@interface EnforcedGateway {}
