package org.cypmh.architecture;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The module boundaries, checked on the shipped classes of every module: a change that reaches into
 * another module's internals, or that makes packages depend on each other in a circle, fails the
 * build here with the offending classes named.
 */
@AnalyzeClasses(
    packages = {
      "org.cypmh.gateway",
      "org.cypmh.routes",
      "org.cypmh.terminology",
      "org.cypmh.profiles"
    },
    importOptions = ImportOption.DoNotIncludeTests.class)
class ModuleBoundariesTest {

  /**
   * The application uses the routing engine only through its ports ({@code routes.api}) and the
   * configuration that switches it on ({@code RoutingConfig}).
   */
  @ArchTest
  static final ArchRule gatewayUsesRoutesOnlyThroughItsApi =
      noClasses()
          .that()
          .resideInAPackage("org.cypmh.gateway..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "org.cypmh.routes.outbox..",
              "org.cypmh.routes.routing..",
              "org.cypmh.routes.delivery..",
              "org.cypmh.routes.directory..",
              "org.cypmh.routes.operations..")
          .because("routes offers ports in routes.api; everything else of it is its own");

  /**
   * The demo (partner network, guided story) is an add-on for the embedded default: nothing depends
   * on it but the command line that offers its command.
   */
  @ArchTest
  static final ArchRule nothingDependsOnTheDemo =
      noClasses()
          .that()
          .resideOutsideOfPackage("org.cypmh.gateway.demo..")
          .and()
          .doNotHaveFullyQualifiedName("org.cypmh.gateway.GatewayCli")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("org.cypmh.gateway.demo..");

  /** The engine never reaches up into the application: the application implements its ports. */
  @ArchTest
  static final ArchRule routesNeverUsesTheGateway =
      noClasses()
          .that()
          .resideInAPackage("org.cypmh.routes..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("org.cypmh.gateway..");

  /** The ports are the bottom of routes: they name no engine internals. */
  @ArchTest
  static final ArchRule routesApiNamesNoInternals =
      noClasses()
          .that()
          .resideInAPackage("org.cypmh.routes.api..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "org.cypmh.routes.outbox..",
              "org.cypmh.routes.routing..",
              "org.cypmh.routes.delivery..",
              "org.cypmh.routes.directory..",
              "org.cypmh.routes.operations..");

  /** Terminology's internals stay inside it; its api and SNOMED index are what it offers. */
  @ArchTest
  static final ArchRule terminologyInternalsStayInside =
      noClasses()
          .that()
          .resideOutsideOfPackage("org.cypmh.terminology..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("org.cypmh.terminology.internal..", "org.cypmh.terminology.rf2..");

  /** Profiles are offered only through their api package. */
  @ArchTest
  static final ArchRule profilesOnlyThroughApi =
      noClasses()
          .that()
          .resideOutsideOfPackage("org.cypmh.profiles..")
          .should()
          .dependOnClassesThat(
              resideInAPackage("org.cypmh.profiles..")
                  .and(resideOutsideOfPackage("org.cypmh.profiles.api..")));

  @ArchTest
  static final ArchRule routesPackagesFormNoCycle =
      slices().matching("org.cypmh.routes.(*)..").should().beFreeOfCycles();

  @ArchTest
  static final ArchRule gatewayFeaturesFormNoCycle =
      slices().matching("org.cypmh.gateway.(*)..").should().beFreeOfCycles();
}
