package org.cypmh.profiles.api;

import ca.uhn.fhir.validation.IValidationContext;
import ca.uhn.fhir.validation.IValidatorModule;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Property;

/**
 * Rejects any identifier with the NHS number system whose value fails the modulus 11 check:
 * anywhere in the resource, including contained resources, Bundle entries and {@code
 * Reference.identifier}.
 *
 * <p>Profiles cannot express a check digit (a FHIRPath invariant could, but unreadably and once per
 * profile), and a wrong NHS number is the costliest mistake a referral can carry: it routes and
 * shares data about the wrong child.
 *
 * <p>Issues are ERRORs located at the identifier's value, e.g. {@code Patient.identifier[0].value}
 * or {@code Bundle.entry[1].resource.subject.identifier.value}. Messages never echo the number.
 * Stateless, so one instance may be shared by any number of threads. R4 resources only; other
 * versions are ignored.
 */
public final class NhsNumberValidatorModule implements IValidatorModule {

  static final String WRONG_FORMAT_ID = "cypmh-nhs-number-format";
  static final String WRONG_CHECK_DIGIT_ID = "cypmh-nhs-number-check-digit";

  @Override
  public void validateResource(IValidationContext<IBaseResource> context) {
    if (context.getResource() instanceof Base root) {
      walk(root, root.fhirType(), context);
    }
  }

  private static void walk(Base element, String path, IValidationContext<IBaseResource> context) {
    if (element instanceof Identifier identifier) {
      checkIdentifier(identifier, path, context);
    }
    for (Property property : element.children()) {
      if (!property.hasValues()) {
        continue;
      }
      String name = property.getName();
      if (name.endsWith("[x]")) {
        // FHIRPath names a choice element without its type suffix (extension.value).
        name = name.substring(0, name.length() - 3);
      }
      List<Base> values = property.getValues();
      boolean repeats = property.isList();
      for (int i = 0; i < values.size(); i++) {
        Base child = values.get(i);
        if (child != null && !child.isEmpty()) {
          walk(child, path + '.' + name + (repeats ? "[" + i + "]" : ""), context);
        }
      }
    }
  }

  private static void checkIdentifier(
      Identifier identifier, String path, IValidationContext<IBaseResource> context) {
    if (!ConformancePackage.NHS_NUMBER_SYSTEM.equals(identifier.getSystem())
        || !identifier.hasValue()) {
      // A missing value is the profile's business (e.g. cypmh-patient requires it).
      return;
    }
    switch (NhsNumber.check(identifier.getValue())) {
      case VALID -> {}
      case WRONG_FORMAT ->
          report(
              context,
              path,
              WRONG_FORMAT_ID,
              "NHS number must be exactly 10 digits with no spaces or other characters");
      case WRONG_CHECK_DIGIT ->
          report(
              context,
              path,
              WRONG_CHECK_DIGIT_ID,
              "NHS number is not valid: its check digit (modulus 11) does not match");
    }
  }

  private static void report(
      IValidationContext<IBaseResource> context, String identifierPath, String id, String text) {
    SingleValidationMessage message = new SingleValidationMessage();
    message.setSeverity(ResultSeverityEnum.ERROR);
    message.setLocationString(identifierPath + ".value");
    message.setMessageId(id);
    message.setMessage(text);
    context.addValidationMessage(message);
  }
}
