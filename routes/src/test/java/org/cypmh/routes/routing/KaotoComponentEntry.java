package org.cypmh.routes.routing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * A component as Kaoto's catalog lists it: Camel's component JSON, as Camel's plugin generated it,
 * plus {@code propertiesSchema}, the JSON Schema of the endpoint options from which Kaoto builds
 * its configuration form. Follows what Kaoto's catalog generator (KaotoIO/camel-catalog,
 * ComponentGenerator and CamelCatalogSchemaEnhancer) derives from Camel's catalog: title,
 * description, type (enums as strings), group in {@code $comment}, format, deprecation, default,
 * and the required options.
 */
final class KaotoComponentEntry {

  private static final ObjectMapper JSON = new ObjectMapper();

  private KaotoComponentEntry() {}

  /** The catalog entry for one component, from its Camel component JSON. */
  static ObjectNode of(JsonNode camelComponentJson) {
    ObjectNode entry = camelComponentJson.deepCopy();
    ObjectNode schema = JSON.createObjectNode();
    schema.put("$schema", "http://json-schema.org/draft-07/schema#");
    schema.put("type", "object");
    ObjectNode properties = schema.putObject("properties");
    var required = JSON.createArrayNode();
    for (Map.Entry<String, JsonNode> option : camelComponentJson.get("properties").properties()) {
      JsonNode model = option.getValue();
      ObjectNode property = properties.putObject(option.getKey());
      property.put("title", model.path("displayName").asText());
      property.put("description", model.path("description").asText());
      String type = model.path("type").asText();
      if (model.has("enum")) {
        property.put("type", "object".equals(type) || "enum".equals(type) ? "string" : type);
        property.set("enum", model.get("enum"));
      } else {
        property.put("type", type);
      }
      property.put("$comment", "group:" + model.path("group").asText());
      String javaType = model.path("javaType").asText();
      if ("object".equals(type) && !model.has("enum")) {
        property.put("format", "bean:" + javaType);
        property.put("type", "string");
      } else if ("duration".equals(type)) {
        property.put("format", "duration");
        property.put("type", "string");
      } else if (model.path("secret").asBoolean()) {
        property.put("format", "password");
      }
      if (model.path("deprecated").asBoolean()) {
        property.put("deprecated", true);
      }
      if (model.has("defaultValue")) {
        property.set("default", model.get("defaultValue"));
      }
      if (model.path("required").asBoolean()) {
        required.add(option.getKey());
      }
    }
    if (!required.isEmpty()) {
      schema.set("required", required);
    }
    entry.set("propertiesSchema", schema);
    return entry;
  }
}
