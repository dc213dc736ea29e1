package org.cypmh.gateway.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;

/** The embedded default's local operator account, without Spring. */
@ExtendWith(OutputCaptureExtension.class)
class LocalOperatorAccountTest {

  private static final Pattern PRINTED = Pattern.compile("as 'operator' with password '([^']+)'");

  @Test
  void firstStartPrintsAPasswordOnceAndKeepsOnlyItsHashOwnerOnly(
      @TempDir Path dataDir, CapturedOutput output) throws Exception {
    LocalOperatorAccount first = LocalOperatorAccount.in(dataDir);
    Matcher printed = PRINTED.matcher(output.getOut());
    assertThat(printed.find()).isTrue();
    String password = printed.group(1);
    Path file = dataDir.resolve("console/local-operator.hash");

    String stored = Files.readString(file);
    assertThat(stored).startsWith("{bcrypt}").doesNotContain(password);
    assertThat(Files.getPosixFilePermissions(file))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThat(
            PasswordEncoderFactories.createDelegatingPasswordEncoder()
                .matches(password, first.user().getPassword()))
        .isTrue();
    assertThat(first.user().getAuthorities())
        .extracting(Object::toString)
        .containsExactly("ROLE_CONSOLE_OPERATOR");

    LocalOperatorAccount second = LocalOperatorAccount.in(dataDir);
    assertThat(PRINTED.matcher(output.getOut()).results().count()).isEqualTo(1);
    assertThat(second.user().getPassword()).isEqualTo(stored);
  }
}
