package org.cypmh.gateway.console;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import org.cypmh.gateway.storage.OwnerOnlyFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * The embedded default's local operator account: on first start a random password, printed once to
 * the log; only its BCrypt hash is kept, owner-only, in {@code <data-dir>/console}. Never in
 * production (the {@code prod} profile signs in with OIDC only).
 */
final class LocalOperatorAccount {

  static final String USERNAME = "operator";
  static final String HASH_FILE = "local-operator.hash";

  private static final Logger log = LoggerFactory.getLogger(LocalOperatorAccount.class);
  private static final PasswordEncoder ENCODER =
      PasswordEncoderFactories.createDelegatingPasswordEncoder();

  private final String hash;

  private LocalOperatorAccount(String hash) {
    this.hash = hash;
  }

  /** The account in the data folder, made (and its password printed) when it is not there yet. */
  static LocalOperatorAccount in(Path dataDir) {
    Path file = dataDir.resolve("console").resolve(HASH_FILE);
    try {
      if (Files.exists(file)) {
        return new LocalOperatorAccount(Files.readString(file).trim());
      }
      String password = randomPassword();
      Files.createDirectories(file.getParent());
      String hash = ENCODER.encode(password);
      Files.writeString(file, hash);
      OwnerOnlyFiles.restrict(file);
      // A credential for the person starting the gateway, shown once; not patient data.
      log.warn(
          "Operator console (embedded default): sign in at /console as '{}' with password '{}'."
              + " Shown once; only its hash is kept in {}. Delete that file to make a new one.",
          USERNAME,
          password,
          file);
      return new LocalOperatorAccount(hash);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot keep the console's local operator account", e);
    }
  }

  UserDetails user() {
    return User.withUsername(USERNAME)
        .password(hash)
        .authorities(ConsoleRole.OPERATOR.authority())
        .build();
  }

  private static String randomPassword() {
    byte[] bytes = new byte[18];
    new SecureRandom().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
