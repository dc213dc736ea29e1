package org.cypmh.gateway;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.Callable;
import org.cypmh.gateway.demo.story.GuidedDemoCommand;
import org.cypmh.gateway.security.CertificateAuthority;
import org.cypmh.gateway.security.ClientAssertion;
import org.cypmh.gateway.terminology.SnomedLoadCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The gateway's command line, in the gateway jar ({@code java -jar gateway-exec.jar <command>}):
 * the partner PKI ({@code pki init-ca | issue | list | revoke}), {@code client-assertion}, which
 * prints a signed JWT client assertion for a token request, and {@code demo}, the guided demo
 * against a running gateway, and {@code snomed-load}, which loads a SNOMED CT release into a
 * running gateway. Runs without starting the gateway.
 */
@Command(
    name = "gateway",
    mixinStandardHelpOptions = true,
    subcommands = {
      GatewayCli.Pki.class,
      GatewayCli.Assertion.class,
      GuidedDemoCommand.class,
      SnomedLoadCommand.class
    })
public final class GatewayCli {

  private static final Set<String> COMMANDS =
      Set.of("pki", "client-assertion", "demo", "snomed-load");

  public static boolean handles(String[] args) {
    return args.length > 0 && COMMANDS.contains(args[0]);
  }

  public static int run(String... args) {
    return new CommandLine(new GatewayCli()).execute(args);
  }

  @Command(
      name = "pki",
      description = "The gateway's partner certificate authority.",
      subcommands = {Pki.InitCa.class, Pki.Issue.class, Pki.ListIssued.class, Pki.Revoke.class})
  static final class Pki {

    @Option(
        names = "--pki-dir",
        defaultValue = "./data/pki",
        description = "CA folder (gateway.security.pki-dir); default ${DEFAULT-VALUE}",
        scope = CommandLine.ScopeType.INHERIT)
    Path dir;

    @Command(name = "init-ca", description = "Creates the CA and the gateway's server certificate.")
    static final class InitCa implements Callable<Integer> {
      @CommandLine.ParentCommand Pki pki;

      @Override
      public Integer call() {
        X509Certificate ca = new CertificateAuthority(pki.dir).init();
        System.out.println("Created " + ca.getSubjectX500Principal().getName() + " in " + pki.dir);
        return 0;
      }
    }

    @Command(name = "issue", description = "Issues a partner client certificate as PKCS#12.")
    static final class Issue implements Callable<Integer> {
      @CommandLine.ParentCommand Pki pki;

      @Option(names = "--ods", required = true, description = "the partner's ODS code")
      String ods;

      @Option(
          names = "--client-id",
          description = "its client id (certificate CN); default: the ODS code")
      String clientId;

      @Option(names = "--out", required = true, description = "PKCS#12 file to write")
      Path out;

      @Option(names = "--password", defaultValue = "changeit", description = "PKCS#12 password")
      String password;

      @Option(names = "--days", defaultValue = "365", description = "validity in days")
      int days;

      @Override
      public Integer call() {
        String id = clientId != null ? clientId : ods;
        X509Certificate certificate =
            new CertificateAuthority(pki.dir)
                .issue(id, ods, out, password.toCharArray(), Duration.ofDays(days));
        System.out.println(
            "Issued serial "
                + CertificateAuthority.serialOf(certificate)
                + " subject "
                + certificate.getSubjectX500Principal().getName()
                + " sha256 "
                + CertificateAuthority.fingerprint(certificate)
                + " -> "
                + out);
        return 0;
      }
    }

    @Command(name = "list", description = "Lists issued certificates and whether each is revoked.")
    static final class ListIssued implements Callable<Integer> {
      @CommandLine.ParentCommand Pki pki;

      @Override
      public Integer call() {
        for (CertificateAuthority.IssuedCertificate issued :
            new CertificateAuthority(pki.dir).list()) {
          System.out.printf(
              "%s\t%s\tuntil %s\t%s%n",
              issued.serial(),
              issued.subject(),
              issued.notAfter(),
              issued.revoked() ? "REVOKED" : "valid");
        }
        return 0;
      }
    }

    @Command(
        name = "revoke",
        description = "Revokes a certificate by serial (hex): adds it to the CA's CRL (crl.pem).")
    static final class Revoke implements Callable<Integer> {
      @CommandLine.ParentCommand Pki pki;

      @Parameters(index = "0", description = "serial number (hex, as pki list shows it)")
      String serial;

      @Override
      public Integer call() {
        CertificateAuthority authority = new CertificateAuthority(pki.dir);
        boolean added = authority.revoke(serial);
        System.out.println(
            (added ? "Revoked " + serial : serial + " was already revoked")
                + "; CRL "
                + authority.crlFile());
        return 0;
      }
    }
  }

  @Command(
      name = "client-assertion",
      description = "Prints a signed JWT client assertion (private_key_jwt) for /oauth2/token.")
  static final class Assertion implements Callable<Integer> {

    @Option(names = "--key", required = true, description = "the client's EC private key (PEM)")
    Path key;

    @Option(names = "--client-id", required = true)
    String clientId;

    @Option(
        names = "--audience",
        defaultValue = "https://localhost:8443/oauth2/token",
        description = "the token endpoint; default ${DEFAULT-VALUE}")
    String audience;

    @Option(
        names = "--lifetime",
        defaultValue = "60",
        description = "seconds; default ${DEFAULT-VALUE}")
    long lifetime;

    @Override
    public Integer call() {
      System.out.println(
          ClientAssertion.sign(
              key, clientId, audience, Instant.now(), Duration.ofSeconds(lifetime)));
      return 0;
    }
  }
}
