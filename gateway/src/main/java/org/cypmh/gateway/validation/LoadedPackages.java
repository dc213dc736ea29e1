package org.cypmh.gateway.validation;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import java.util.List;
import org.cypmh.gateway.fhir.FhirServerInterceptor;
import org.cypmh.profiles.api.NpmPackageFolder;
import org.hl7.fhir.instance.model.api.IBaseConformance;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.StringType;
import org.springframework.boot.actuate.info.Info;
import org.springframework.boot.actuate.info.InfoContributor;

/**
 * Says which FHIR packages the validator loaded ({@code name#version}, e.g. {@code
 * fhir.r4.ukcore.stu2#2.0.0}), so a partner can tell whether its UK Core profiles are checked or
 * only warned about: one {@value #EXTENSION} extension (valueString) per package on the
 * CapabilityStatement ({@code /fhir/metadata}), and {@code validation.packages} in {@code
 * /actuator/info}. No package, no extension, and an empty list.
 */
class LoadedPackages implements FhirServerInterceptor, InfoContributor {

  static final String EXTENSION =
      "https://cypmh-gateway.org/fhir/StructureDefinition/cypmh-loaded-package";

  private final List<String> packageIds;

  LoadedPackages(NpmPackageFolder packages) {
    this.packageIds = packages.packageIds();
  }

  @Hook(Pointcut.SERVER_CAPABILITY_STATEMENT_GENERATED)
  void describe(IBaseConformance capabilities) {
    if (capabilities instanceof CapabilityStatement statement) {
      packageIds.forEach(id -> statement.addExtension(EXTENSION, new StringType(id)));
    }
  }

  @Override
  public void contribute(Info.Builder builder) {
    builder.withDetail("validation", java.util.Map.of("packages", packageIds));
  }
}
