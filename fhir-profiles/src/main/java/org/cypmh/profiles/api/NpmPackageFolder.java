package org.cypmh.profiles.api;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.parser.LenientErrorHandler;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.hl7.fhir.common.hapi.validation.support.NpmPackageValidationSupport;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.utilities.npm.NpmPackage;

/**
 * Loads every FHIR NPM package ({@code *.tgz}, e.g. UK Core) in a folder into one HAPI {@link
 * NpmPackageValidationSupport}, so resources claiming those packages' profiles are validated
 * against them. Add {@link #validationSupport()} to {@link ValidationChain#build} as an extra
 * support.
 *
 * <p>A missing folder means "no packages". A package that cannot be read fails loading with a
 * message naming the file: starting a gateway that silently ignores a package it was given would
 * let non-conformant resources through.
 */
public final class NpmPackageFolder {

  /** Resource types the validator can use from a package; examples and the rest are skipped. */
  private static final String[] CONFORMANCE_TYPES = {
    "StructureDefinition", "ValueSet", "CodeSystem", "SearchParameter"
  };

  /** Built into HAPI (DefaultProfileValidationSupport): never needed in the folder. */
  private static final String R4_CORE = "hl7.fhir.r4.core";

  private final NpmPackageValidationSupport validationSupport;
  private final List<String> packageIds;
  private final List<String> missingDependencies;

  private NpmPackageFolder(
      NpmPackageValidationSupport validationSupport,
      List<String> packageIds,
      List<String> missingDependencies) {
    this.validationSupport = validationSupport;
    this.packageIds = List.copyOf(packageIds);
    this.missingDependencies = List.copyOf(missingDependencies);
  }

  /**
   * @param folder folder holding {@code .tgz} packages; need not exist
   * @throws IllegalStateException naming the file, if a package is corrupt or not FHIR R4
   */
  public static NpmPackageFolder load(FhirContext fhirContext, Path folder) {
    NpmPackageValidationSupport support = new NpmPackageValidationSupport(fhirContext);
    List<String> ids = new ArrayList<>();
    Set<String> dependencies = new TreeSet<>();
    for (Path file : packageFiles(folder)) {
      ids.add(loadPackage(fhirContext, support, file, dependencies));
    }
    Set<String> loadedNames = new HashSet<>();
    ids.forEach(id -> loadedNames.add(id.substring(0, id.indexOf('#'))));
    List<String> missing =
        dependencies.stream()
            .filter(d -> !d.startsWith(R4_CORE + "#"))
            .filter(d -> !loadedNames.contains(d.substring(0, d.indexOf('#'))))
            .toList();
    return new NpmPackageFolder(support, ids, missing);
  }

  /**
   * Dependencies ({@code name#version}) the loaded packages declare but the folder does not hold,
   * other than the FHIR R4 core package. Not fatal: a profile needing one of them validates with an
   * unknown-profile or unknown-extension issue naming what is missing, and the gateway warns at
   * start.
   */
  public List<String> missingDependencies() {
    return missingDependencies;
  }

  public NpmPackageValidationSupport validationSupport() {
    return validationSupport;
  }

  /** Loaded packages as {@code name#version}, in file name order. */
  public List<String> packageIds() {
    return packageIds;
  }

  private static List<Path> packageFiles(Path folder) {
    if (!Files.isDirectory(folder)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(folder)) {
      return files
          .filter(f -> f.getFileName().toString().endsWith(".tgz") && Files.isRegularFile(f))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new IllegalStateException("Cannot list FHIR packages in " + folder + ": " + e, e);
    }
  }

  private static String loadPackage(
      FhirContext fhirContext,
      NpmPackageValidationSupport support,
      Path file,
      Set<String> dependencies) {
    NpmPackage npmPackage;
    try (InputStream in = Files.newInputStream(file)) {
      npmPackage = NpmPackage.fromPackage(in);
    } catch (IOException | RuntimeException e) {
      throw failure(file, "it is not a readable FHIR NPM package (" + e.getMessage() + ")", e);
    }
    if (npmPackage.name() == null || !npmPackage.getFolders().containsKey("package")) {
      throw failure(file, "it has no package/package.json", null);
    }
    String fhirVersion = npmPackage.fhirVersion();
    if (fhirVersion == null || !fhirVersion.startsWith("4.0")) {
      throw failure(file, "it is for FHIR " + fhirVersion + ", not R4 (4.0.x)", null);
    }
    IParser parser = fhirContext.newJsonParser();
    // Published packages carry small deviations (unknown elements from later tooling); HAPI's
    // own package loader tolerates them, and so do we. Unparseable JSON still fails.
    parser.setParserErrorHandler(new LenientErrorHandler(false));
    String current = null;
    try {
      for (String name : npmPackage.listResources(CONFORMANCE_TYPES)) {
        current = name;
        try (InputStream in = npmPackage.load("package", name)) {
          IBaseResource resource =
              parser.parseResource(new String(in.readAllBytes(), StandardCharsets.UTF_8));
          support.addResource(resource);
        }
      }
    } catch (IOException | RuntimeException e) {
      String where = current == null ? "its index" : "package/" + current;
      throw failure(file, "cannot read " + where + " (" + e.getMessage() + ")", e);
    }
    npmPackage.dependencies().forEach(d -> dependencies.add(d.contains("#") ? d : d + "#"));
    return npmPackage.name() + "#" + npmPackage.version();
  }

  private static IllegalStateException failure(Path file, String reason, Exception cause) {
    return new IllegalStateException(
        "FHIR package " + file.getFileName() + " could not be loaded: " + reason, cause);
  }
}
