package dev.assetgrid.coordinator;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.dialect.Dialects;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpHeaders;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The coordinator's {@code openapi.yaml} as a contract the tests hold every answer to: {@link
 * #check} finds the operation of a request (method + path template), the response documented for
 * its status (the status itself, else {@code 4XX}/{@code 5XX}, else {@code default} for errors; a
 * success status must be documented as such), and checks the answer's media type, its required
 * headers and, for JSON bodies, the body against the response's schema with a real JSON Schema
 * validator (networknt, the OpenAPI 3.1 dialect, formats asserted). {@link TestGrid}'s request
 * helpers call it on every answer, so every test that uses them checks the document too.
 */
public final class OpenApiContract {
  /** Where the document is registered for the validator; its {@code $ref}s resolve against it. */
  static final String BASE = "https://assetgrid.dev/openapi.json";

  private static final List<String> METHODS =
      List.of("get", "put", "post", "delete", "options", "head", "patch", "trace");

  private static volatile OpenApiContract instance;

  private final JsonNode doc;
  private final List<Template> templates = new ArrayList<>();
  private final SchemaRegistry registry;
  private final Map<String, Schema> schemas = new ConcurrentHashMap<>();

  /** A path of the document: its template, and a pattern for concrete paths. */
  private record Template(String path, Pattern pattern, int literals) {}

  private OpenApiContract(String yaml) {
    this.doc = new YAMLMapper().readTree(yaml);
    for (String path : doc.path("paths").propertyNames()) {
      StringBuilder re = new StringBuilder("^");
      int literals = 0;
      for (String seg : path.substring(1).split("/", -1)) {
        re.append('/');
        if (seg.startsWith("{") && seg.endsWith("}")) {
          re.append("[^/]+");
        } else {
          re.append(Pattern.quote(seg));
          literals++;
        }
      }
      templates.add(new Template(path, Pattern.compile(re.append('$').toString()), literals));
    }
    // the most literal template wins (/v1/imports/{id}/items before a hypothetical
    // /v1/{x}/{y}/items)
    templates.sort(Comparator.comparingInt(Template::literals).reversed());
    String json = new JsonMapper().writeValueAsString(doc);
    this.registry =
        SchemaRegistry.withDefaultDialect(
            Dialects.getOpenApi31(),
            b ->
                b.schemas(Map.of(BASE, json))
                    .schemaRegistryConfig(
                        SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build()));
  }

  /** The document on the test classpath (the one the coordinator serves), read once. */
  public static OpenApiContract get() {
    OpenApiContract c = instance;
    if (c == null) {
      synchronized (OpenApiContract.class) {
        c = instance;
        if (c == null) {
          try (InputStream in =
              OpenApiContract.class.getClassLoader().getResourceAsStream("openapi.yaml")) {
            if (in == null) {
              throw new IllegalStateException("openapi.yaml is not on the classpath");
            }
            c = new OpenApiContract(new String(in.readAllBytes(), StandardCharsets.UTF_8));
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
          instance = c;
        }
      }
    }
    return c;
  }

  /** The document as a tree. */
  public JsonNode document() {
    return doc;
  }

  /** Every operation of the document as {@code "METHOD /path/{param}"}. */
  public Set<String> operations() {
    Set<String> out = new TreeSet<>();
    for (Map.Entry<String, JsonNode> p : doc.path("paths").properties()) {
      for (String m : p.getValue().propertyNames()) {
        if (METHODS.contains(m)) {
          out.add(m.toUpperCase(Locale.ROOT) + " " + p.getKey());
        }
      }
    }
    return out;
  }

  /** The document's template for a concrete path (no query), if it has one. */
  public Optional<String> template(String path) {
    for (Template t : templates) {
      if (t.pattern().matcher(path).matches()) {
        return Optional.of(t.path());
      }
    }
    return Optional.empty();
  }

  /**
   * Fails (an {@link AssertionError} naming the route, the status and every mismatch) when the
   * answer does not match the document.
   */
  public void check(HttpResponse<String> r) {
    check(r.request().method(), r.uri(), r.statusCode(), r.headers(), r.body());
  }

  /** As {@link #check(HttpResponse)}, for an answer read some other way. */
  public void check(String method, URI uri, int status, HttpHeaders headers, String body) {
    List<String> wrong = problems(method, uri.getRawPath(), status, headers, body);
    if (!wrong.isEmpty()) {
      throw new AssertionError(
          "the answer to "
              + method
              + " "
              + uri.getRawPath()
              + " ("
              + status
              + ") does not match openapi.yaml:\n  "
              + String.join("\n  ", wrong)
              + "\nbody: "
              + abbreviate(body));
    }
  }

  /** What is wrong with the answer, measured against the document; empty when nothing is. */
  public List<String> problems(
      String method, String path, int status, HttpHeaders headers, String body) {
    List<String> wrong = new ArrayList<>();
    String type =
        headers
            .firstValue("Content-Type")
            .map(t -> t.split(";", 2)[0].trim().toLowerCase(Locale.ROOT))
            .orElse(null);
    Optional<String> template = template(path);
    JsonNode op =
        template.isEmpty()
            ? null
            : doc.path("paths").path(template.get()).get(method.toLowerCase(Locale.ROOT));
    if (op == null) {
      // a route the API does not have: only its problem can be checked
      if ("application/problem+json".equals(type)) {
        checkBody("/components/schemas/Problem", body, status, true, wrong);
      } else if (template.isPresent() && status < 400) {
        wrong.add(method + " " + template.get() + " is not documented but answered " + status);
      }
      return wrong;
    }
    String route = method + " " + template.get();
    String opPointer = "/paths/" + escape(template.get()) + "/" + method.toLowerCase(Locale.ROOT);
    String code = String.valueOf(status);
    String key =
        op.path("responses").has(code)
            ? code
            : op.path("responses").has(code.charAt(0) + "XX")
                ? code.charAt(0) + "XX"
                : status >= 400 && op.path("responses").has("default") ? "default" : null;
    if (key == null) {
      wrong.add(route + " documents no response " + status);
      return wrong;
    }
    String pointer = opPointer + "/responses/" + escape(key);
    JsonNode response = op.path("responses").path(key);
    while (response.has("$ref")) {
      pointer = response.get("$ref").asString().substring(1);
      response = doc.at(pointer);
    }
    for (Map.Entry<String, JsonNode> h : response.path("headers").properties()) {
      JsonNode header = h.getValue();
      while (header.has("$ref")) {
        header = doc.at(header.get("$ref").asString().substring(1));
      }
      if (header.path("required").asBoolean(false) && headers.firstValue(h.getKey()).isEmpty()) {
        wrong.add(route + " " + status + " lacks the required header " + h.getKey());
      }
    }
    JsonNode content = response.get("content");
    boolean hasBody = body != null && !body.isEmpty();
    if (content == null || content.isEmpty()) {
      if (hasBody) {
        wrong.add(route + " " + status + " is documented without a body but has one");
      }
      return wrong;
    }
    if (!hasBody && status == 204) {
      return wrong;
    }
    if (type == null) {
      wrong.add(route + " " + status + " has no Content-Type");
      return wrong;
    }
    String media = mediaType(content, type);
    if (media == null) {
      wrong.add(
          route + " " + status + " answered " + type + "; documented: " + content.propertyNames());
      return wrong;
    }
    JsonNode eventSchema = content.path(media).path("x-event-schema");
    if (media.equals("text/event-stream") && eventSchema.has("$ref")) {
      String events = eventSchema.get("$ref").asString().substring(1);
      for (String line : body.split("\n")) {
        if (line.startsWith("data: ")) {
          eventProblems(events, line.substring(6)).forEach(p -> wrong.add("event " + p));
        }
      }
      return wrong;
    }
    // a JSON body is held to the schema of a JSON media type; a file that happens to be JSON,
    // answered under a range such as */*, is bytes like any other
    if (media.equals("application/json") || media.endsWith("+json")) {
      checkBody(
          pointer + "/content/" + escape(media) + "/schema",
          body,
          status,
          type.equals("application/problem+json"),
          wrong);
    }
    return wrong;
  }

  /**
   * The documented media type that covers {@code type} (exact, {@code type/*} or {@code *}{@code
   * /*}).
   */
  private static String mediaType(JsonNode content, String type) {
    if (content.has(type)) {
      return type;
    }
    String range = type.split("/", 2)[0] + "/*";
    if (content.has(range)) {
      return range;
    }
    return content.has("*/*") ? "*/*" : null;
  }

  private void checkBody(
      String schemaPointer, String body, int status, boolean problem, List<String> wrong) {
    JsonNode json;
    try {
      json = new JsonMapper().readTree(body);
    } catch (RuntimeException e) {
      wrong.add("the body is not JSON: " + e.getMessage());
      return;
    }
    for (Error e : validate(schemaPointer, json)) {
      wrong.add(
          e.getInstanceLocation() + ": " + e.getMessage() + "  [" + e.getSchemaLocation() + "]");
    }
    if (problem && json.path("status").asInt(-1) != status) {
      wrong.add(
          "the problem's status " + json.path("status") + " is not the HTTP status " + status);
    }
  }

  /**
   * What is wrong with the {@code data} of one server-sent event, against the schema at {@code
   * schemaPointer} (the {@code x-event-schema} of a stream's media type); empty when nothing is.
   */
  public List<String> eventProblems(String schemaPointer, String data) {
    List<String> wrong = new ArrayList<>();
    checkBody(schemaPointer, data, -1, false, wrong);
    return wrong;
  }

  /** The validator's findings for {@code json} against the schema at a pointer of the document. */
  public List<Error> validate(String schemaPointer, JsonNode json) {
    Schema schema =
        schemas.computeIfAbsent(
            schemaPointer, p -> registry.getSchema(SchemaLocation.of(BASE + "#" + p)));
    return schema.validate(json);
  }

  /** As {@link #validate(String, JsonNode)}, for JSON text. */
  public List<Error> validate(String schemaPointer, String json) {
    return validate(schemaPointer, new JsonMapper().readTree(json));
  }

  /** A path as a JSON pointer token. */
  static String escape(String token) {
    return token.replace("~", "~0").replace("/", "~1");
  }

  private static String abbreviate(String s) {
    return s == null ? "(none)" : s.length() <= 2000 ? s : s.substring(0, 2000) + "...";
  }
}
