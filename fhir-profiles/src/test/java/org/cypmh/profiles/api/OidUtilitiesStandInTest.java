package org.cypmh.profiles.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import org.hl7.fhir.utilities.OIDUtilities;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The gateway's {@link OIDUtilities} (read once per JVM) against FHIR core's own class of that name
 * (read once per validation), loaded from FHIR core's jar in a class loader of its own: same
 * answers from every public method, for every OID FHIR core knows and for OIDs it does not.
 */
class OidUtilitiesStandInTest {

  private static final String CLASS_FILE = "org/hl7/fhir/utilities/OIDUtilities.class";
  private static final String FHIR_CORE_POM =
      "META-INF/maven/ca.uhn.hapi.fhir/org.hl7.fhir.utilities/pom.properties";

  private static URLClassLoader fhirCore;
  private static Class<?> original;
  private static List<String> registryOids;

  @BeforeAll
  static void loadTheOriginal() throws Exception {
    URL fhirCoreJar = fhirCoreJar();
    // Parent: the platform loader, so the original and its CSV come from FHIR core's jar alone.
    fhirCore = new URLClassLoader(new URL[] {fhirCoreJar}, ClassLoader.getPlatformClassLoader());
    original = fhirCore.loadClass("org.hl7.fhir.utilities.OIDUtilities");
    registryOids = registryOids();
  }

  @AfterAll
  static void close() throws IOException {
    fhirCore.close();
  }

  @Test
  void theGatewaysClassIsTheOneLoadedAndFhirCoreIsTheVersionItWasWrittenFor() throws IOException {
    assertThat(OIDUtilities.class.getProtectionDomain().getCodeSource().getLocation())
        .as("the stand-in must come before FHIR core on the class path")
        .isNotEqualTo(fhirCoreJar());
    assertThat(original.getProtectionDomain().getCodeSource().getLocation())
        .isEqualTo(fhirCoreJar());
    Properties pom = new Properties();
    try (InputStream in = fhirCore.getResourceAsStream(FHIR_CORE_POM)) {
      pom.load(in);
    }
    assertThat(pom.getProperty("version"))
        .as(
            "FHIR core changed: check whether it still re-reads oidregistry.csv per validation;"
                + " if not, delete org.hl7.fhir.utilities.OIDUtilities from fhir-profiles, else"
                + " compare the new class's methods and update STANDS_IN_FOR_VERSION")
        .isEqualTo(OIDUtilities.STANDS_IN_FOR_VERSION);
  }

  @Test
  void knowsExactlyTheOidsTheOriginalKnows() throws Exception {
    Object theirs = original.getConstructor().newInstance();
    Method isKnownOid = original.getMethod("isKnownOID", String.class);
    OIDUtilities ours = new OIDUtilities();
    List<String> probes = new ArrayList<>();
    registryOids.forEach(oid -> probes.add("urn:oid:" + oid));
    probes.addAll(
        List.of(
            "urn:oid:2.16.840.1.113883.6.96",
            "urn:oid:1.2.3.4.5.6.7.8.9.999999",
            "2.16.840.1.113883.6.96",
            "urn:oid:",
            "https://fhir.nhs.uk/Id/nhs-number"));
    probes.add(null);
    assertThat(registryOids).hasSizeGreaterThan(1000);
    int known = 0;
    for (String probe : probes) {
      boolean expected = (Boolean) isKnownOid.invoke(theirs, probe);
      assertThat(ours.isKnownOID(probe)).as(String.valueOf(probe)).isEqualTo(expected);
      known += expected ? 1 : 0;
    }
    assertThat(known).as("the original knows its own registry").isGreaterThan(1000);
  }

  @Test
  void staticMethodsAnswerAsTheOriginalDoes() throws Exception {
    Method uri = original.getMethod("getUriForOid", String.class);
    Method tail = original.getMethod("oidTail", String.class);
    Method root = original.getMethod("oidRoot", String.class);
    Method valid = original.getMethod("isValidOID", String.class);
    List<String> probes = new ArrayList<>(registryOids);
    probes.addAll(
        List.of("", ".", "1.", "3.1.2", "1.02.3", "2.16.840.1.113883.12.292", "abc", "0.0"));
    int named = 0;
    for (String oid : probes) {
      String expectedUri = (String) uri.invoke(null, oid);
      assertThat(OIDUtilities.getUriForOid(oid)).as(oid).isEqualTo(expectedUri);
      assertThat(OIDUtilities.oidTail(oid)).as(oid).isEqualTo(tail.invoke(null, oid));
      assertThat(OIDUtilities.oidRoot(oid)).as(oid).isEqualTo(root.invoke(null, oid));
      assertThat(OIDUtilities.isValidOID(oid)).as(oid).isEqualTo(valid.invoke(null, oid));
      named += expectedUri != null ? 1 : 0;
    }
    assertThat(named).as("the well-known code systems are in the registry").isGreaterThan(10);
    for (String nullable : Collections.<String>singletonList(null)) {
      assertThat(OIDUtilities.getUriForOid(nullable)).isNull();
      assertThat(OIDUtilities.oidTail(nullable)).isEqualTo(tail.invoke(null, nullable));
      assertThat(OIDUtilities.oidRoot(nullable)).isEqualTo(root.invoke(null, nullable));
    }
  }

  private static URL fhirCoreJar() throws IOException {
    for (URL url : Collections.list(ClassLoader.getSystemClassLoader().getResources(CLASS_FILE))) {
      if (url.getProtocol().equals("jar") && url.getPath().contains("org.hl7.fhir.utilities-")) {
        String path = url.getPath();
        return new URL(path.substring(0, path.indexOf("!/")));
      }
    }
    throw new AssertionError("FHIR core's org.hl7.fhir.utilities jar is not on the class path");
  }

  private static List<String> registryOids() throws IOException {
    List<String> oids = new ArrayList<>();
    try (BufferedReader reader =
        new BufferedReader(
            new InputStreamReader(
                fhirCore.getResourceAsStream("oidregistry.csv"), StandardCharsets.UTF_8))) {
      reader.readLine();
      String line;
      while ((line = reader.readLine()) != null) {
        oids.add(line.split(",")[0].trim());
      }
    }
    return oids;
  }
}
