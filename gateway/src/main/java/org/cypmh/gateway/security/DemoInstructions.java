package org.cypmh.gateway.security;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ApplicationListener;
import org.springframework.stereotype.Component;

/** Once the gateway is ready, prints the exact commands that use the demo credentials. */
@Component
class DemoInstructions implements ApplicationListener<ApplicationReadyEvent> {

  private static final Logger log = LoggerFactory.getLogger(DemoInstructions.class);

  private final SecurityProperties properties;
  private final MutualTlsConnector connector;

  DemoInstructions(SecurityProperties properties, MutualTlsConnector connector) {
    this.properties = properties;
    this.connector = connector;
  }

  @Override
  public void onApplicationEvent(ApplicationReadyEvent event) {
    if (!properties.demo()
        || properties.mode() != SecurityProperties.Mode.ENFORCED
        || connector.localPort() < 0
        || !(event.getApplicationContext() instanceof WebServerApplicationContext)) {
      return;
    }
    String pki = properties.pkiDir().toString();
    String base = "https://localhost:" + connector.localPort();
    String jar = "gateway/target/gateway-exec.jar";
    log.info(
        """

        Demo partner credentials (embedded default) are in {}. Try them:

        # 0. The guided demo: the whole story, step by step (from the repository root)
        GATEWAY={} PKI={} gateway/bin/demo.sh

        # 1. Mutual TLS: post a referral as the demo VCSE provider (ODS 8HV48)
        curl -s --cert-type P12 --cert {}/demo-vcse.p12:changeit --cacert {}/ca.pem \\
          -X POST -H 'Content-Type: application/fhir+json' \\
          --data @src-test/examples/first-referral.json {}/fhir

        # 2. OAuth2 client credentials with a signed JWT client assertion (private_key_jwt)
        ASSERTION=$(java -jar {} client-assertion --key {}/demo-vcse-client-key.pem \\
          --client-id demo-vcse --audience {}/oauth2/token)
        TOKEN=$(curl -s --cacert {}/ca.pem {}/oauth2/token \\
          -d grant_type=client_credentials -d client_id=demo-vcse \\
          -d client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer \\
          -d client_assertion=$ASSERTION \\
          --data-urlencode 'scope=system/ServiceRequest.crus system/Patient.crus system/Task.rs' \\
          | sed -E 's/.*"access_token":"([^"]+)".*/\\1/')
        curl -s --cacert {}/ca.pem -H "Authorization: Bearer $TOKEN" \\
          -X POST -H 'Content-Type: application/fhir+json' \\
          --data @src-test/examples/first-referral.json {}/fhir
        """,
        pki,
        base,
        pki,
        pki,
        pki,
        base,
        jar,
        pki,
        base,
        pki,
        base,
        pki,
        base);
  }
}
