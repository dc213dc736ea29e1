package org.cypmh.gateway.e2e;

import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Generators of malformed and adversarial requests, one per class of attack: broken and random
 * JSON, nesting tens of thousands deep, megabyte strings, wrong types, unknown resource types,
 * Bundles of thousands of entries, XML external entities, invalid UTF-8, oversized headers, bad
 * search parameters and ids. A response "leaks" if it shows a stack frame, an exception or an
 * internal package name.
 */
final class HostileRequests {

  static final List<String> NAMES =
      List.of(
          "broken-json",
          "random-bytes",
          "deep-nesting",
          "huge-string",
          "wrong-types",
          "unknown-type",
          "big-bundle",
          "xml-external-entity",
          "invalid-utf8",
          "huge-header",
          "bad-search",
          "bad-id");

  /** Indexes of the classes that cost the gateway most (large bodies, many entries). */
  static final List<Integer> HEAVY = List.of(2, 3, 6, 9);

  private static final Pattern LEAK =
      Pattern.compile(
          "(\\bat [a-z]+\\.[a-z]+\\.[A-Za-z.$]+\\(|Exception\\b|ca\\.uhn\\.|org\\.hibernate|org\\.springframework|java\\.lang\\.|org\\.cypmh\\.|SQL)");

  private HostileRequests() {}

  static boolean leaks(String body) {
    return LEAK.matcher(body).find();
  }

  static List<Function<Random, HttpRequest.Builder>> all(GatewayClient gateway) {
    return List.of(
        r -> json(gateway, "/fhir/ServiceRequest", brokenJson(r)),
        r -> bytes(gateway, "/fhir/Patient", randomBytes(r, 1 + r.nextInt(4096))),
        r -> json(gateway, "/fhir/Patient", "[".repeat(2_000 + r.nextInt(20_000))),
        r ->
            json(
                gateway,
                "/fhir/Patient",
                "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\""
                    + "x".repeat(100_000 + r.nextInt(1_000_000))
                    + "\"}]}"),
        r -> json(gateway, "/fhir/Patient", wrongTypes(r)),
        r -> json(gateway, "/fhir/" + word(r) + "Thing", "{\"resourceType\":\"" + word(r) + "\"}"),
        r -> json(gateway, "/fhir", bigBundle(r)),
        r ->
            gateway
                .request("/fhir/Patient")
                .header("Content-Type", "application/fhir+xml")
                .POST(
                    BodyPublishers.ofString(
                        "<?xml version=\"1.0\"?><!DOCTYPE p [<!ENTITY xxe SYSTEM"
                            + " \"file:///etc/passwd\">]><Patient"
                            + " xmlns=\"http://hl7.org/fhir\"><name><family value=\"&xxe;\"/>"
                            + "</name></Patient>")),
        r -> bytes(gateway, "/fhir/Patient", invalidUtf8(r)),
        r ->
            gateway
                .request("/fhir/Patient")
                .header("X-Padding", "y".repeat(20_000 + r.nextInt(40_000)))
                .GET(),
        r -> gateway.request("/fhir/Patient?" + badSearch(r)).GET(),
        r -> gateway.request("/fhir/Patient/" + badId(r)).GET());
  }

  private static HttpRequest.Builder json(GatewayClient gateway, String path, String body) {
    return gateway
        .request(path)
        .header("Content-Type", "application/fhir+json")
        .POST(BodyPublishers.ofString(body));
  }

  private static HttpRequest.Builder bytes(GatewayClient gateway, String path, byte[] body) {
    return gateway
        .request(path)
        .header("Content-Type", "application/fhir+json")
        .POST(BodyPublishers.ofByteArray(body));
  }

  private static String brokenJson(Random r) {
    String valid =
        "{\"resourceType\":\"ServiceRequest\",\"status\":\"active\",\"intent\":\"order\","
            + "\"subject\":{\"reference\":\"Patient/1\"},\"note\":[{\"text\":\"hello\"}]}";
    return switch (r.nextInt(4)) {
      case 0 -> valid.substring(0, r.nextInt(valid.length()));
      case 1 -> valid.replace(':', r.nextBoolean() ? ';' : '=');
      case 2 -> valid + "}".repeat(1 + r.nextInt(5));
      default -> valid.replace("\"", "");
    };
  }

  private static String wrongTypes(Random r) {
    return switch (r.nextInt(5)) {
      case 0 -> "{\"resourceType\":\"Patient\",\"birthDate\":" + r.nextInt() + "}";
      case 1 -> "{\"resourceType\":\"Patient\",\"name\":\"not an array\"}";
      case 2 -> "{\"resourceType\":\"Patient\",\"active\":\"maybe\"}";
      case 3 -> "{\"resourceType\":42}";
      default -> "{\"resourceType\":\"Patient\",\"identifier\":[{\"value\":{\"nested\":true}}]}";
    };
  }

  private static String bigBundle(Random r) {
    StringBuilder bundle =
        new StringBuilder("{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[");
    int entries = 2_000 + r.nextInt(3_000);
    for (int i = 0; i < entries; i++) {
      if (i > 0) {
        bundle.append(',');
      }
      bundle.append("{\"request\":{\"method\":\"GET\",\"url\":\"Patient?name=a" + i + "\"}}");
    }
    return bundle.append("]}").toString();
  }

  private static byte[] randomBytes(Random r, int length) {
    byte[] bytes = new byte[length];
    r.nextBytes(bytes);
    return bytes;
  }

  private static byte[] invalidUtf8(Random r) {
    byte[] prefix = "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"".getBytes();
    byte[] bad = {
      (byte) 0xC3, (byte) 0x28, (byte) 0xFF, (byte) 0xFE, (byte) 0xED, (byte) 0xA0, (byte) 0x80
    };
    byte[] suffix = "\"}]}".getBytes();
    byte[] body = new byte[prefix.length + bad.length + suffix.length];
    System.arraycopy(prefix, 0, body, 0, prefix.length);
    System.arraycopy(bad, 0, body, prefix.length, bad.length);
    System.arraycopy(suffix, 0, body, prefix.length + bad.length, suffix.length);
    return body;
  }

  private static String badSearch(Random r) {
    return switch (r.nextInt(6)) {
      case 0 -> "birthdate=notadate";
      case 1 -> "_count=-" + r.nextInt(100);
      case 2 -> "_sort=" + word(r);
      case 3 -> "identifier=%7C%7C%7C";
      case 4 -> "_include=" + word(r) + ":" + word(r);
      default -> word(r) + "=" + word(r);
    };
  }

  private static String badId(Random r) {
    return switch (r.nextInt(4)) {
      case 0 -> "%00%01";
      case 1 -> "x".repeat(100 + r.nextInt(200));
      case 2 -> "..%2F..%2Fetc%2Fpasswd";
      default -> "-1/_history/" + word(r);
    };
  }

  private static String word(Random r) {
    StringBuilder word = new StringBuilder();
    for (int i = 0; i < 3 + r.nextInt(8); i++) {
      word.append((char) ('a' + r.nextInt(26)));
    }
    return word.toString();
  }
}
