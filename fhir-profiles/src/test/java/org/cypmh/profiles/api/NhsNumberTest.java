package org.cypmh.profiles.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.cypmh.profiles.api.NhsNumber.Check;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NhsNumberTest {

  @ParameterizedTest
  @ValueSource(strings = {"9449305552", "9449310122", "9000000009", "9434765919"})
  void numbersWithCorrectCheckDigitAreValid(String value) {
    assertThat(NhsNumber.check(value)).isEqualTo(Check.VALID);
  }

  @ParameterizedTest
  @ValueSource(strings = {"9449305553", "9449310121", "9000000001", "9434765910"})
  void numbersWithWrongCheckDigitAreRejected(String value) {
    assertThat(NhsNumber.check(value)).isEqualTo(Check.WRONG_CHECK_DIGIT);
  }

  @ParameterizedTest
  // 100000001x: weighted sum 10 + 2 = 12, 11 - (12 mod 11) = 10, so no check digit can be right.
  @ValueSource(strings = {"1000000010", "1000000011", "1000000019"})
  void numbersWhoseCheckDigitWouldBeTenAreRejected(String value) {
    assertThat(NhsNumber.check(value)).isEqualTo(Check.WRONG_CHECK_DIGIT);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"944 930 5552", "944-930-5552", "944930555", "94493055521", "94493O5552", ""})
  void numbersNotTenDigitsAreRejectedAsWrongFormat(String value) {
    assertThat(NhsNumber.check(value)).isEqualTo(Check.WRONG_FORMAT);
  }

  @ParameterizedTest
  @ValueSource(strings = {"9449305552", "9449310122", "9000000009", "9434765919"})
  void aNumberIsItsFirstNineDigitsWithTheirCheckDigit(String value) {
    assertThat(NhsNumber.withCheckDigit(value.substring(0, 9))).contains(value);
  }

  @org.junit.jupiter.api.Test
  void nineDigitsWhoseCheckDigitWouldBeTenStartNoNhsNumber() {
    assertThat(NhsNumber.withCheckDigit("999000000")).isEmpty();
  }
}
