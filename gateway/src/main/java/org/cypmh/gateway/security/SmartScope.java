package org.cypmh.gateway.security;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A SMART App Launch v2 system scope, {@code system/<Type>.<cruds>} ({@code *} for every type): the
 * resource type and which of create, read, update, delete and search it grants.
 */
public record SmartScope(
    String resourceType,
    boolean create,
    boolean read,
    boolean update,
    boolean delete,
    boolean search) {

  // v2 permissions are a subset of "cruds" in that order; v1's "read"/"write" are not accepted.
  private static final Pattern SCOPE =
      Pattern.compile("system/(\\*|[A-Z][A-Za-z]{1,63})\\.(c?r?u?d?s?)");

  public static boolean isValid(String scope) {
    Matcher matcher = SCOPE.matcher(scope);
    return matcher.matches() && !matcher.group(2).isEmpty();
  }

  /** The scope, or null when it is not a SMART v2 system scope (ignored, never widened). */
  public static SmartScope parse(String scope) {
    if (scope == null || !isValid(scope)) {
      return null;
    }
    Matcher matcher = SCOPE.matcher(scope);
    matcher.matches();
    String permissions = matcher.group(2);
    return new SmartScope(
        matcher.group(1),
        permissions.contains("c"),
        permissions.contains("r"),
        permissions.contains("u"),
        permissions.contains("d"),
        permissions.contains("s"));
  }

  public boolean allTypes() {
    return "*".equals(resourceType);
  }

  public boolean covers(String type) {
    return allTypes() || resourceType.equals(type);
  }
}
