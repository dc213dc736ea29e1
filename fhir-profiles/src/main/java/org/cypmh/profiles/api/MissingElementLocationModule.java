package org.cypmh.profiles.api;

import ca.uhn.fhir.validation.IValidationContext;
import ca.uhn.fhir.validation.IValidatorModule;
import ca.uhn.fhir.validation.SingleValidationMessage;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * Points "minimum required" issues at the missing element instead of its parent.
 *
 * <p>The instance validator reports a missing {@code ServiceRequest.identifier} at {@code
 * ServiceRequest}, naming the element only in the message text. Partners' systems act on the
 * OperationOutcome's {@code expression}, so the gateway reports {@code ServiceRequest.identifier}
 * (and {@code ServiceRequest.identifier[0].system} for a missing system inside the first
 * identifier). Must run after the instance validator: it only relocates issues already raised.
 * Messages it does not recognise (another locale, a future wording) are left untouched.
 */
final class MissingElementLocationModule implements IValidatorModule {

  private static final String MINIMUM_MESSAGE_ID_PREFIX = "Validation_VAL_Profile_Minimum";
  // "ServiceRequest.identifier: minimum required = 1, ..."
  private static final Pattern MINIMUM = Pattern.compile("^([A-Za-z][\\w.:\\[\\]-]*): minimum");
  // "Slice 'Patient.identifier:nhsNumber': a matching slice is required, ..."
  private static final Pattern SLICE = Pattern.compile("^Slice '([^']+)'");

  @Override
  public void validateResource(IValidationContext<IBaseResource> context) {
    for (SingleValidationMessage message : context.getMessages()) {
      String id = message.getMessageId();
      if (id != null && id.startsWith(MINIMUM_MESSAGE_ID_PREFIX)) {
        relocate(message);
      }
    }
  }

  private static void relocate(SingleValidationMessage message) {
    String location = message.getLocationString();
    String text = message.getMessage();
    if (location == null || text == null) {
      return;
    }
    Matcher matcher = MINIMUM.matcher(text);
    if (!matcher.find()) {
      matcher = SLICE.matcher(text);
      if (!matcher.find()) {
        return;
      }
    }
    String missing = lastSegment(matcher.group(1));
    if (!missing.isEmpty() && !location.endsWith("." + missing)) {
      message.setLocationString(location + "." + missing);
    }
  }

  /** {@code Procedure.performed[x]} gives {@code performed}; {@code a.b:slice} gives {@code b}. */
  private static String lastSegment(String elementPath) {
    String segment = elementPath.substring(elementPath.lastIndexOf('.') + 1);
    int slice = segment.indexOf(':');
    if (slice >= 0) {
      segment = segment.substring(0, slice);
    }
    return segment.endsWith("[x]") ? segment.substring(0, segment.length() - 3) : segment;
  }
}
