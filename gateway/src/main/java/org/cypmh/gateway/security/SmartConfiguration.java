package org.cypmh.gateway.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.cypmh.gateway.fhir.FhirServerProperties;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/**
 * SMART App Launch v2 discovery for backend services ({@code /.well-known/smart-configuration},
 * also under the FHIR base {@code /fhir}), readable without credentials: the token endpoint on the
 * URL the caller used, {@code client_credentials} with {@code private_key_jwt} only, the signing
 * algorithms {@link ClientAssertionKeys} accepts and the system scopes. Its own servlet with exact
 * mappings, which win over the FHIR servlet's {@code /fhir/*}.
 */
@Configuration(proxyBeanMethods = false)
class SmartConfiguration {

  static final String[] PATHS = {
    "/.well-known/smart-configuration", "/fhir/.well-known/smart-configuration"
  };

  @Bean
  ServletRegistrationBean<HttpServlet> smartConfigurationServlet(
      FhirServerProperties fhir, ObjectMapper json) {
    List<String> scopes = scopes(fhir);
    HttpServlet servlet =
        new HttpServlet() {
          @Override
          protected void doGet(HttpServletRequest request, HttpServletResponse response)
              throws IOException {
            response.setContentType("application/json");
            response.setCharacterEncoding("UTF-8");
            response.setHeader("Cache-Control", "public, max-age=3600");
            json.writeValue(response.getWriter(), document(request, scopes));
          }
        };
    ServletRegistrationBean<HttpServlet> registration =
        new ServletRegistrationBean<>(servlet, PATHS);
    registration.setName("smartConfiguration");
    return registration;
  }

  /** The discovery document for a request (its token endpoint is on the request's own URL). */
  static Map<String, Object> document(HttpServletRequest request, List<String> scopes) {
    Map<String, Object> document = new LinkedHashMap<>();
    document.put(
        "token_endpoint",
        ServletUriComponentsBuilder.fromContextPath(request)
            .path("/oauth2/token")
            .build()
            .toUriString());
    document.put("grant_types_supported", List.of("client_credentials"));
    document.put("token_endpoint_auth_methods_supported", List.of("private_key_jwt"));
    document.put(
        "token_endpoint_auth_signing_alg_values_supported", ClientAssertionKeys.algorithmNames());
    document.put("scopes_supported", scopes);
    document.put("capabilities", List.of("client-confidential-asymmetric", "permission-v2"));
    return document;
  }

  /**
   * {@code system/*.cruds}, {@code system/*.rs} and {@code system/<Type>.cruds} per type served.
   */
  static List<String> scopes(FhirServerProperties fhir) {
    List<String> scopes = new ArrayList<>(List.of("system/*.cruds", "system/*.rs"));
    new TreeSet<>(fhir.resourceTypes()).forEach(type -> scopes.add("system/" + type + ".cruds"));
    return List.copyOf(scopes);
  }
}
