package org.cypmh.profiles.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.Organization;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpmPackageFolderTest {

  private static final String SCHOOL_PROFILE =
      "https://schools.example.org/fhir/StructureDefinition/school";

  // A differential only, as most hand-made packages are: the chain must generate its snapshot.
  private static final String SCHOOL_PROFILE_JSON =
      """
      {
        "resourceType": "StructureDefinition",
        "id": "school",
        "url": "%s",
        "version": "1.0.0",
        "name": "School",
        "status": "active",
        "fhirVersion": "4.0.1",
        "kind": "resource",
        "abstract": false,
        "type": "Organization",
        "baseDefinition": "http://hl7.org/fhir/StructureDefinition/Organization",
        "derivation": "constraint",
        "differential": {
          "element": [
            {"id": "Organization", "path": "Organization"},
            {"id": "Organization.telecom", "path": "Organization.telecom", "min": 1}
          ]
        }
      }
      """
          .formatted(SCHOOL_PROFILE);

  @TempDir Path folder;

  @Test
  void missingFolderMeansNoPackages() {
    NpmPackageFolder packages = NpmPackageFolder.load(Validators.FHIR, folder.resolve("not-there"));

    assertThat(packages.packageIds()).isEmpty();
    assertThat(packages.validationSupport().fetchAllConformanceResources()).isEmpty();
  }

  @Test
  void resourceClaimingAPackagedProfileIsValidatedAgainstIt() throws IOException {
    writePackage(
        "schools.tgz",
        Map.of(
            "package/package.json",
            packageJson("example.schools", "4.0.1"),
            "package/StructureDefinition-school.json",
            SCHOOL_PROFILE_JSON));
    Files.writeString(folder.resolve("README.txt"), "not a package");

    NpmPackageFolder packages = NpmPackageFolder.load(Validators.FHIR, folder);
    ProfileValidator validator =
        ProfileValidator.create(
            Validators.FHIR,
            ValidationChain.build(
                Validators.FHIR,
                Validators.PACKAGE,
                TerminologyStub.load(Validators.FHIR),
                packages.validationSupport()));

    Organization school = new Organization().setName("Northshire Academy");
    school.getMeta().addProfile(SCHOOL_PROFILE);
    Organization schoolWithPhone = school.copy();
    schoolWithPhone
        .addTelecom()
        .setSystem(ContactPoint.ContactPointSystem.PHONE)
        .setValue("01632 960000");

    assertThat(packages.packageIds()).containsExactly("example.schools#1.0.0");
    assertThat(Validators.errors(validator.validate(school)))
        .singleElement()
        .satisfies(e -> assertThat(e.getLocationString()).isEqualTo("Organization.telecom"));
    assertThat(Validators.errors(validator.validate(schoolWithPhone))).isEmpty();
    // Without the package the same claim is an unknown profile, which is an error in itself.
    assertThat(Validators.errors(Validators.VALIDATOR.validate(schoolWithPhone))).isNotEmpty();
  }

  @Test
  void corruptPackageFailsNamingTheFile() throws IOException {
    Files.write(folder.resolve("broken.tgz"), "this is not gzip".getBytes(StandardCharsets.UTF_8));

    assertThatThrownBy(() -> NpmPackageFolder.load(Validators.FHIR, folder))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("broken.tgz");
  }

  @Test
  void packageWithUnparseableResourceFailsNamingFileAndResource() throws IOException {
    writePackage(
        "half-written.tgz",
        Map.of(
            "package/package.json", packageJson("example.half", "4.0.1"),
            "package/StructureDefinition-school.json", SCHOOL_PROFILE_JSON.substring(0, 200)));

    assertThatThrownBy(() -> NpmPackageFolder.load(Validators.FHIR, folder))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("half-written.tgz");
  }

  @Test
  void packageForAnotherFhirVersionFailsNamingTheFile() throws IOException {
    writePackage(
        "r5-package.tgz",
        Map.of(
            "package/package.json",
            packageJson("example.r5", "5.0.0"),
            "package/StructureDefinition-school.json",
            SCHOOL_PROFILE_JSON));

    assertThatThrownBy(() -> NpmPackageFolder.load(Validators.FHIR, folder))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("r5-package.tgz")
        .hasMessageContaining("5.0.0");
  }

  private static String packageJson(String name, String fhirVersion) {
    String core = fhirVersion.startsWith("5") ? "hl7.fhir.r5.core" : "hl7.fhir.r4.core";
    return """
    {"name": "%s", "version": "1.0.0", "fhirVersions": ["%s"],
     "dependencies": {"%s": "%s"}}
    """
        .formatted(name, fhirVersion, core, fhirVersion);
  }

  private void writePackage(String fileName, Map<String, String> files) throws IOException {
    Map<String, String> ordered = new LinkedHashMap<>(files);
    try (OutputStream out = Files.newOutputStream(folder.resolve(fileName));
        GzipCompressorOutputStream gzip = new GzipCompressorOutputStream(out);
        TarArchiveOutputStream tar = new TarArchiveOutputStream(gzip)) {
      for (Map.Entry<String, String> file : ordered.entrySet()) {
        byte[] content = file.getValue().getBytes(StandardCharsets.UTF_8);
        TarArchiveEntry entry = new TarArchiveEntry(file.getKey());
        entry.setSize(content.length);
        tar.putArchiveEntry(entry);
        tar.write(content);
        tar.closeArchiveEntry();
      }
    }
  }
}
