package org.cypmh.gateway.security;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import org.apache.catalina.connector.Connector;
import org.apache.coyote.http11.Http11NioProtocol;
import org.apache.tomcat.util.net.SSLHostConfig;
import org.apache.tomcat.util.net.SSLHostConfigCertificate;
import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;

/**
 * The HTTPS port that asks each client for a certificate ({@code certificateVerification optional}:
 * "want"), so partners can authenticate by mutual TLS and others by bearer token on the same port.
 * Certificates are verified in the handshake against the gateway's CA and the configured external
 * CAs; the partner they belong to is found per request ({@link ClientCertificateAuthentication}).
 * Added to Tomcat beside the main connector.
 */
public final class MutualTlsConnector
    implements WebServerFactoryCustomizer<TomcatServletWebServerFactory> {

  private final SecurityProperties.Mtls settings;
  private final CertificateAuthority authority;
  private volatile Connector connector;

  MutualTlsConnector(SecurityProperties.Mtls settings, CertificateAuthority authority) {
    this.settings = settings;
    this.authority = authority;
  }

  @Override
  public void customize(TomcatServletWebServerFactory factory) {
    if (!settings.enabled()) {
      return;
    }
    Connector https = new Connector(TomcatServletWebServerFactory.DEFAULT_PROTOCOL);
    https.setScheme("https");
    https.setSecure(true);
    https.setPort(settings.port());
    // Same as the main connector (application.yaml server.tomcat.relaxed-query-chars).
    https.setProperty("relaxedQueryChars", "|");
    Http11NioProtocol protocol = (Http11NioProtocol) https.getProtocolHandler();
    protocol.setSSLEnabled(true);
    SSLHostConfig ssl = new SSLHostConfig();
    ssl.setCertificateVerification("optional");
    ssl.setProtocols("TLSv1.2+TLSv1.3");
    try {
      ssl.setTrustStore(trustStore());
      SSLHostConfigCertificate certificate =
          new SSLHostConfigCertificate(ssl, SSLHostConfigCertificate.Type.UNDEFINED);
      Path keyStore =
          settings.serverKeyStore() != null
              ? settings.serverKeyStore()
              : authority.serverKeyStore();
      char[] password =
          settings.serverKeyStore() != null
              ? settings.serverKeyStorePassword().toCharArray()
              : authority.keyStorePassword();
      certificate.setCertificateKeystore(CertificateAuthority.load(keyStore, password));
      certificate.setCertificateKeystorePassword(new String(password));
      ssl.addCertificate(certificate);
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException(
          "gateway.security.mtls: cannot load the TLS keystore or trusted CAs: " + e.getMessage(),
          e);
    }
    protocol.addSslHostConfig(ssl);
    factory.addAdditionalTomcatConnectors(https);
    connector = https;
  }

  private KeyStore trustStore() throws IOException, GeneralSecurityException {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    if (authority.exists()) {
      trust.setCertificateEntry("gateway-ca", authority.caCertificate());
    }
    int n = 0;
    for (Path file : settings.trustedCas()) {
      X509Certificate ca = CertificateAuthority.readPem(file);
      trust.setCertificateEntry("external-ca-" + n++, ca);
    }
    return trust;
  }

  /** The port it listens on once started (the chosen one when configured as 0), or -1. */
  public int localPort() {
    return connector == null ? -1 : connector.getLocalPort();
  }
}
