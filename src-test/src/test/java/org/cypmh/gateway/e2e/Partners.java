package org.cypmh.gateway.e2e;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;

/**
 * The partner systems the gateway calls, simulated by one WireMock server that, like the real
 * partners, speaks HTTPS only and accepts only clients holding a certificate from the {@link
 * PartnerPki} CA.
 *
 * <p>Shared by every test and every gateway context in the JVM, so there is no reset: a test stubs
 * what it needs, matched to its own request (e.g. by the referral's identifier), and leaves the
 * others' stubs alone.
 */
final class Partners {

  private static Partners instance;

  private final PartnerPki pki;
  private final WireMockServer server;

  private Partners(PartnerPki pki, WireMockServer server) {
    this.pki = pki;
    this.server = server;
  }

  /**
   * Starts the partners on first use and returns the same running instance afterwards; Spring test
   * contexts are cached across test classes and keep pointing at its port.
   */
  static synchronized Partners start(PartnerPki pki) {
    if (instance != null) {
      if (!instance.pki.trustStore().equals(pki.trustStore())) {
        throw new IllegalStateException(
            "Partners already run with the PKI in " + instance.pki.trustStore().getParent());
      }
      return instance;
    }
    WireMockServer server =
        new WireMockServer(
            WireMockConfiguration.options()
                .bindAddress("127.0.0.1")
                .httpDisabled(true)
                .dynamicHttpsPort()
                .keystorePath(pki.serverKeyStore().toString())
                .keystorePassword(pki.password())
                .keyManagerPassword(pki.password())
                .keystoreType("PKCS12")
                .needClientAuth(true)
                .trustStorePath(pki.trustStore().toString())
                .trustStorePassword(pki.password())
                .trustStoreType("PKCS12")
                .extensions(new HeldResponses()));
    server.start();
    Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "partners-wiremock-stop"));
    instance = new Partners(pki, server);
    return instance;
  }

  /** Where the gateway should send partner calls, e.g. {@code https://localhost:PORT}. */
  String baseUrl() {
    return "https://localhost:" + server.httpsPort();
  }

  WireMockServer server() {
    return server;
  }
}
