package org.cypmh.profiles.api;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.validation.SingleValidationMessage;
import ca.uhn.fhir.validation.ValidationResult;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.cypmh.profiles.api.ConformancePackage.Example;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every packaged example, through the validator the gateway uses. Invalid examples are named {@code
 * <profile>--<reason>.json}; {@code expected-issues.json} says where each must fail.
 */
class ExamplesTest {

  private static final JsonNode EXPECTED_ISSUES = readManifest();

  static Stream<Example> validExamples() {
    return Validators.PACKAGE.examples().stream().filter(Example::valid);
  }

  static Stream<Example> invalidExamples() {
    return Validators.PACKAGE.examples().stream().filter(e -> !e.valid());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("validExamples")
  void validExamplePassesWithoutErrors(Example example) {
    ValidationResult result = Validators.VALIDATOR.validate(example.resource());

    assertThat(Validators.errors(result)).as(Validators.describe(result.getMessages())).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidExamples")
  void invalidExampleFailsForItsOneNamedReason(Example example) {
    JsonNode expected = EXPECTED_ISSUES.get(example.path().substring("invalid/".length()));
    assertThat(expected).as("manifest entry for " + example.path()).isNotNull();
    String expression = expected.get("expression").asText();
    String messageContains = expected.get("messageContains").asText();

    ValidationResult result = Validators.VALIDATOR.validate(example.resource());
    List<SingleValidationMessage> errors = Validators.errors(result);

    assertThat(errors)
        .as(Validators.describe(result.getMessages()))
        .anySatisfy(
            e -> {
              assertThat(e.getLocationString()).isEqualTo(expression);
              assertThat(e.getMessage()).contains(messageContains);
            })
        // One reason: a single defect may raise more than one error, but all at the same place.
        .allSatisfy(e -> assertThat(e.getLocationString()).isEqualTo(expression));
  }

  @Test
  void manifestDescribesExactlyTheInvalidExamples() {
    List<String> invalidFiles =
        invalidExamples().map(e -> e.path().substring("invalid/".length())).toList();
    List<String> manifestFiles = new ArrayList<>();
    EXPECTED_ISSUES.fieldNames().forEachRemaining(manifestFiles::add);
    assertThat(manifestFiles).containsExactlyInAnyOrderElementsOf(invalidFiles);
    assertThat(invalidFiles).allMatch(name -> name.matches("cypmh-[a-z-]+--[a-z0-9-]+\\.json"));
  }

  private static JsonNode readManifest() {
    try (InputStream in =
        ExamplesTest.class.getResourceAsStream("/examples/invalid/expected-issues.json")) {
      return new ObjectMapper().readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
