package org.cypmh.gateway.console;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;
import org.hl7.fhir.r4.model.PrimitiveType;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Type;

/**
 * The JSON operations' {@link Parameters} as table rows for the pages: the console shows what the
 * operations answer, from the same services, without a second set of queries.
 */
final class ParameterRows {

  private ParameterRows() {}

  /** Every parameter with this name, each as its parts' names and texts (repeats joined). */
  static List<Map<String, String>> named(Parameters parameters, String name) {
    return parameters.getParameter().stream()
        .filter(p -> name.equals(p.getName()))
        .map(ParameterRows::flat)
        .toList();
  }

  /**
   * The parts with a value, by name; a repeated part's values joined with ", "; a part's own parts
   * as {@code part.name}.
   */
  static Map<String, String> flat(ParametersParameterComponent parameter) {
    Map<String, String> row = new LinkedHashMap<>();
    flatten(parameter, "", row);
    return row;
  }

  private static void flatten(
      ParametersParameterComponent parameter, String prefix, Map<String, String> row) {
    for (ParametersParameterComponent part : parameter.getPart()) {
      if (part.hasValue()) {
        row.merge(prefix + part.getName(), text(part.getValue()), (a, b) -> a + ", " + b);
      } else if (part.hasPart()) {
        flatten(part, prefix + part.getName() + ".", row);
      }
    }
  }

  /** The top-level parameters with a value, by name. */
  static Map<String, String> values(Parameters parameters) {
    Map<String, String> row = new LinkedHashMap<>();
    parameters.getParameter().stream()
        .filter(ParametersParameterComponent::hasValue)
        .forEach(p -> row.merge(p.getName(), text(p.getValue()), (a, b) -> a + ", " + b));
    return row;
  }

  static String text(Type value) {
    if (value instanceof Reference reference) {
      return reference.hasDisplay()
          ? reference.getDisplay() + " (" + reference.getReference() + ")"
          : reference.getReference();
    }
    if (value instanceof PrimitiveType<?> primitive) {
      return primitive.getValueAsString();
    }
    return value.toString();
  }
}
