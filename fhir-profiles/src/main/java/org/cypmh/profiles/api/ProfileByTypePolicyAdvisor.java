package org.cypmh.profiles.api;

import java.util.List;
import java.util.Map;
import org.hl7.fhir.common.hapi.validation.validator.FhirDefaultPolicyAdvisor;
import org.hl7.fhir.r5.elementmodel.Element;
import org.hl7.fhir.r5.model.ElementDefinition;
import org.hl7.fhir.r5.model.StructureDefinition;
import org.hl7.fhir.r5.utils.validation.IMessagingServices;
import org.hl7.fhir.r5.utils.validation.IResourceValidator;
import org.hl7.fhir.utilities.validation.ValidationMessage;

/**
 * Makes the validator apply the gateway's profile for a resource type to every resource of that
 * type it meets: the root, each Bundle entry and each contained resource.
 *
 * <p>Passing the profile in {@code ValidationOptions} would only reach the root, so a transaction
 * Bundle's ServiceRequest would escape the referral profile unless it claimed it itself. The
 * validator core asks its policy advisor for "implied" profiles for exactly this purpose.
 */
final class ProfileByTypePolicyAdvisor extends FhirDefaultPolicyAdvisor {

  private final Map<String, String> profileByType;
  private final Map<String, String> markerByType;

  ProfileByTypePolicyAdvisor(Map<String, String> profileByType) {
    this(profileByType, ConformancePackage.MARKER_EXTENSION_BY_RESOURCE_TYPE);
  }

  /**
   * @param markerByType types whose profile applies, below the root, only to resources carrying
   *     this extension (see {@link ConformancePackage#MARKER_EXTENSION_BY_RESOURCE_TYPE})
   */
  ProfileByTypePolicyAdvisor(Map<String, String> profileByType, Map<String, String> markerByType) {
    this.profileByType = Map.copyOf(profileByType);
    this.markerByType = Map.copyOf(markerByType);
  }

  @Override
  public List<StructureDefinition> getImpliedProfilesForResource(
      IResourceValidator validator,
      Object appContext,
      String stackPath,
      ElementDefinition definition,
      StructureDefinition structure,
      Element resource,
      boolean valid,
      IMessagingServices msgServices,
      List<ValidationMessage> messages) {
    String url = profileByType.get(resource.fhirType());
    if (url == null || claims(resource, url)) {
      // A claimed profile is validated anyway; implying it again would duplicate every issue.
      return List.of();
    }
    if (claimsNationalMessagingProfile(resource)) {
      // A BaRS ServiceRequest is shaped by BaRS (its own category, no business identifier, intent
      // plan for a validation): it is held to what it claims, and the gateway checks what routing
      // and consent need itself. Holding it to our referral profile would refuse every BaRS sender.
      return List.of();
    }
    String marker = markerByType.get(resource.fhirType());
    if (marker != null && !isRoot(stackPath) && !carries(resource, marker)) {
      return List.of();
    }
    StructureDefinition profile =
        validator.getContext().fetchResource(StructureDefinition.class, url);
    return profile == null ? List.of() : List.of(profile);
  }

  /** The resource validated itself, not one inside a Bundle or contained in another. */
  private static boolean isRoot(String stackPath) {
    return stackPath == null || !stackPath.contains(".");
  }

  private static boolean carries(Element resource, String extensionUrl) {
    return resource.getChildren("extension").stream()
        .anyMatch(e -> extensionUrl.equals(e.getNamedChildValue("url")));
  }

  /** Profiles of NHS England's Booking and Referral Standard (BaRS). */
  static final String BARS_PROFILE_PREFIX = "https://fhir.nhs.uk/StructureDefinition/BARS";

  private static boolean claimsNationalMessagingProfile(Element resource) {
    Element meta = resource.getNamedChild("meta");
    return meta != null
        && meta.getChildren("profile").stream()
            .map(Element::primitiveValue)
            .anyMatch(p -> p != null && p.startsWith(BARS_PROFILE_PREFIX));
  }

  private static boolean claims(Element resource, String url) {
    Element meta = resource.getNamedChild("meta");
    if (meta == null) {
      return false;
    }
    for (Element profile : meta.getChildren("profile")) {
      String claimed = profile.primitiveValue();
      if (url.equals(claimed) || (claimed != null && claimed.startsWith(url + "|"))) {
        return true;
      }
    }
    return false;
  }
}
