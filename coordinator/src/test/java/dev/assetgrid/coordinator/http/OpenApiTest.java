package dev.assetgrid.coordinator.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.assetgrid.coordinator.OpenApiContract;
import dev.assetgrid.coordinator.StringAnswer;
import dev.assetgrid.coordinator.TestGrid;
import dev.assetgrid.coordinator.TestPostgres;
import dev.assetgrid.coordinator.TinyGlb;
import dev.assetgrid.coordinator.events.NotifyOptions;
import dev.assetgrid.coordinator.net.Cidr;
import dev.assetgrid.shared.error.ErrorCode;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * {@code openapi.yaml} against the live router and the live answers: every route is documented and
 * every documented operation is a route, the error codes are {@link ErrorCode}'s, the document and
 * Swagger UI are served from this process alone, and the response check ({@link OpenApiContract},
 * which every test's {@link TestGrid} requests go through) rejects answers that do not match.
 */
@Timeout(120)
class OpenApiTest {
  @TempDir static Path dataDir;
  static TestGrid grid;
  static final OpenApiContract contract = OpenApiContract.get();

  @BeforeAll
  static void start() throws Exception {
    // every optional resource on, as in production, so the router has every route
    grid =
        TestGrid.start(
            TestGrid.config(dataDir, TestPostgres.newDatabase())
                .withNotifications(
                    NotifyOptions.defaults()
                        .withReceivers(true, List.of(Cidr.parse("127.0.0.0/8")))));
  }

  @AfterAll
  static void stop() {
    if (grid != null) {
      grid.close();
    }
  }

  /**
   * {@code GET /v1/jobs/:id} (Vert.x) → {@code GET /v1/jobs/{id}} (OpenAPI); a trailing {@code *}
   * (the dashboard's files, any depth) is documented as {@code {path}}.
   */
  static String normalised(String route) {
    if (route.endsWith("/") && !route.endsWith(" /")) {
      route = route + "*"; // Vert.x names a route "/dashboard/*" by its prefix, "/dashboard/"
    }
    return Arrays.stream(route.split("/", -1))
        .map(
            seg ->
                seg.startsWith(":")
                    ? "{" + seg.substring(1) + "}"
                    : seg.equals("*") ? "{path}" : seg)
        .collect(Collectors.joining("/"));
  }

  @Test
  void everyRouteIsDocumentedAndEveryOperationIsARoute() {
    Set<String> routes = new TreeSet<>();
    grid.coordinator.routes().forEach(r -> routes.add(normalised(r)));
    Set<String> documented = contract.operations();
    Set<String> undocumented = new TreeSet<>(routes);
    undocumented.removeAll(documented);
    Set<String> missing = new TreeSet<>(documented);
    missing.removeAll(routes);
    assertThat(undocumented).as("routes of the router that openapi.yaml lacks").isEmpty();
    assertThat(missing).as("operations of openapi.yaml that the router lacks").isEmpty();
    assertThat(routes).hasSizeGreaterThan(50);
  }

  @Test
  void pathParametersAreTheRoutesOwn() {
    List<String> wrong = new ArrayList<>();
    Pattern param = Pattern.compile("\\{([^}]+)}");
    for (String op : contract.operations()) {
      String path = op.substring(op.indexOf(' ') + 1);
      JsonNode item = contract.document().path("paths").path(path);
      JsonNode operation = item.path(op.substring(0, op.indexOf(' ')).toLowerCase());
      Set<String> declared = new TreeSet<>();
      for (JsonNode list : List.of(item.path("parameters"), operation.path("parameters"))) {
        for (JsonNode p : list) {
          JsonNode resolved =
              p.has("$ref") ? contract.document().at(p.get("$ref").asString().substring(1)) : p;
          if ("path".equals(resolved.path("in").asString())) {
            declared.add(resolved.path("name").asString());
            if (!resolved.path("required").asBoolean(false)) {
              wrong.add(op + ": path parameter " + resolved.path("name") + " is not required");
            }
          }
        }
      }
      Set<String> inPath = new TreeSet<>();
      Matcher m = param.matcher(path);
      while (m.find()) {
        inPath.add(m.group(1));
      }
      if (!declared.equals(inPath)) {
        wrong.add(op + ": the path has " + inPath + ", the parameters " + declared);
      }
    }
    assertThat(wrong).isEmpty();
  }

  @Test
  void theV1RoutesNeedAKeyAndTheOthersDoNot() {
    JsonNode doc = contract.document();
    assertThat(doc.path("security").toString()).isEqualTo("[{\"apiKey\":[]}]");
    assertThat(doc.at("/components/securitySchemes/apiKey/scheme").asString()).isEqualTo("bearer");
    List<String> wrong = new ArrayList<>();
    for (String op : contract.operations()) {
      String path = op.substring(op.indexOf(' ') + 1);
      JsonNode operation =
          doc.path("paths").path(path).path(op.substring(0, op.indexOf(' ')).toLowerCase());
      boolean own = operation.has("security");
      if (path.startsWith("/v1/") && own) {
        wrong.add(op + " sets its own security; /v1 takes the document's bearer key");
      }
      if (!path.startsWith("/v1/") && !own) {
        wrong.add(op + " is outside the gate but inherits the bearer key");
      }
      if (path.startsWith("/v1/") && !operation.path("responses").has("401")) {
        wrong.add(op + " does not document 401");
      }
    }
    assertThat(wrong).isEmpty();
  }

  @Test
  void theProblemCodesAreErrorCodes() {
    Set<String> documented = new TreeSet<>();
    contract
        .document()
        .at("/components/schemas/ErrorCode/enum")
        .forEach(n -> documented.add(n.asString()));
    Set<String> codes = new TreeSet<>();
    for (ErrorCode c : ErrorCode.values()) {
      codes.add(c.name());
    }
    assertThat(documented).isEqualTo(codes);
    assertThat(
            contract.document().at("/components/schemas/Problem/properties/code/$ref").asString())
        .isEqualTo("#/components/schemas/ErrorCode");
    // and the members Problems.body writes are the schema's required ones
    JsonObject sample = Problems.body(ErrorCode.NOT_FOUND, "x", "/v1/x");
    Set<String> required = new TreeSet<>();
    contract
        .document()
        .at("/components/schemas/Problem/required")
        .forEach(n -> required.add(n.asString()));
    assertThat(required).isEqualTo(new TreeSet<>(sample.fieldNames()));
    assertThat(contract.validate("/components/schemas/Problem", sample.encode())).isEmpty();
  }

  @Test
  void theDocumentIsServedAsOpenApi31YamlAndJson() throws Exception {
    HttpResponse<String> yaml = grid.get("/openapi.yaml");
    assertThat(yaml.statusCode()).isEqualTo(200);
    assertThat(yaml.headers().firstValue("Content-Type").orElse("")).startsWith("application/yaml");
    JsonNode tree = new YAMLMapper().readTree(yaml.body());
    assertThat(tree.path("openapi").asString()).isEqualTo("3.1.0");
    assertThat(tree.path("paths").size()).isGreaterThan(40);
    assertThat(tree).isEqualTo(contract.document());

    HttpResponse<String> json = grid.get("/openapi.json");
    assertThat(json.statusCode()).isEqualTo(200);
    assertThat(new tools.jackson.databind.json.JsonMapper().readTree(json.body())).isEqualTo(tree);

    // open to everyone: no key needed
    HttpResponse<String> anonymous =
        grid.http.send(
            HttpRequest.newBuilder(URI.create(grid.url("/openapi.yaml"))).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(anonymous.statusCode()).isEqualTo(200);
  }

  @Test
  void theDocsPageLoadsSwaggerUiFromThisCoordinatorOnly() throws Exception {
    HttpResponse<String> page =
        grid.send(
            HttpRequest.newBuilder(URI.create(grid.url("/docs")))
                .timeout(Duration.ofSeconds(30))
                .GET()
                .build());
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
    assertThat(page.body()).doesNotContain("http://").doesNotContain("https://").contains("<html");
    Matcher m = Pattern.compile("(?:src|href)=\"([^\"]+)\"").matcher(page.body());
    List<String> assets = new ArrayList<>();
    while (m.find()) {
      assets.add(m.group(1));
    }
    assertThat(assets)
        .contains("/docs/swagger-ui-bundle.js", "/docs/swagger-ui.css", "/docs/initializer.js")
        .allMatch(a -> a.startsWith("/docs/"), "is a file of /docs");
    Map<String, String> types =
        Map.of(".js", "text/javascript", ".css", "text/css", ".png", "image/png");
    for (String a : assets) {
      HttpResponse<String> r =
          grid.send(HttpRequest.newBuilder(URI.create(grid.url(a))).GET().build());
      assertThat(r.statusCode()).as(a).isEqualTo(200);
      String ext = a.substring(a.lastIndexOf('.'));
      assertThat(r.headers().firstValue("Content-Type").orElse(""))
          .as(a)
          .startsWith(types.get(ext));
      assertThat(r.body()).as(a).isNotEmpty();
    }
    String init = grid.get("/docs/initializer.js").body();
    assertThat(init).contains("url: \"/openapi.yaml\"").doesNotContain("petstore");
    // the webjar's own initializer (the petstore) and anything else are not served
    assertThat(grid.get("/docs/swagger-initializer.js").statusCode()).isEqualTo(404);
    assertThat(grid.get("/docs/..%2Fopenapi.yaml").statusCode()).isEqualTo(404);
  }

  @Test
  void answersThatDoNotMatchTheDocumentAreRejected() throws Exception {
    HttpResponse<String> up = grid.uploadBytes(TinyGlb.triangle(), "tri.glb", "pipeline=noop");
    assertThat(up.statusCode()).as(up.body()).isEqualTo(202);
    String id = new JsonObject(up.body()).getJsonObject("asset").getString("id");
    HttpResponse<String> real = grid.get("/v1/assets/" + id); // checked: it matches
    assertThat(real.statusCode()).isEqualTo(200);
    String path = "/v1/assets/" + id;
    HttpHeaders json =
        HttpHeaders.of(
            Map.of("Content-Type", List.of("application/json"), "X-Request-Id", List.of("t")),
            (a, b) -> true);
    assertThat(contract.problems("GET", path, 200, json, real.body())).isEmpty();

    JsonObject asset = new JsonObject(real.body());
    // a wrong type
    List<String> wrongType =
        contract.problems("GET", path, 200, json, asset.copy().put("size", "12").encode());
    assertThat(wrongType).isNotEmpty().anyMatch(p -> p.contains("/size"));
    // a required member missing
    JsonObject noFiles = asset.copy();
    noFiles.remove("files");
    assertThat(contract.problems("GET", path, 200, json, noFiles.encode()))
        .anyMatch(p -> p.contains("files"));
    // a member the document does not know
    assertThat(contract.problems("GET", path, 200, json, asset.copy().put("secret", "x").encode()))
        .anyMatch(p -> p.contains("secret"));
    // a bad format (date-time) and a value outside its enum
    assertThat(
            contract.problems(
                "GET", path, 200, json, asset.copy().put("createdAt", "yesterday").encode()))
        .anyMatch(p -> p.contains("/createdAt"));
    assertThat(
            contract.problems(
                "GET", path, 200, json, asset.copy().put("status", "exploded").encode()))
        .anyMatch(p -> p.contains("/status"));
    // a status the route does not document, and a success without its required header
    assertThat(contract.problems("GET", path, 201, json, real.body()))
        .anyMatch(p -> p.contains("documents no response 201"));
    HttpHeaders noId =
        HttpHeaders.of(Map.of("Content-Type", List.of("application/json")), (a, b) -> true);
    assertThat(contract.problems("GET", path, 200, noId, real.body()))
        .anyMatch(p -> p.contains("X-Request-Id"));
    // a problem whose code is not an ErrorCode, or whose status is not the answer's
    HttpHeaders problem =
        HttpHeaders.of(
            Map.of(
                "Content-Type", List.of("application/problem+json"), "X-Request-Id", List.of("t")),
            (a, b) -> true);
    JsonObject notFound = Problems.body(ErrorCode.NOT_FOUND, "asset x", path);
    assertThat(contract.problems("GET", path, 404, problem, notFound.encode())).isEmpty();
    assertThat(
            contract.problems(
                "GET", path, 404, problem, notFound.copy().put("code", "NO_SUCH").encode()))
        .anyMatch(p -> p.contains("/code"));
    assertThat(contract.problems("GET", path, 409, problem, notFound.encode()))
        .anyMatch(p -> p.contains("not the HTTP status"));
    // an event stream whose events are not the documented Event
    HttpHeaders sse =
        HttpHeaders.of(
            Map.of("Content-Type", List.of("text/event-stream"), "X-Request-Id", List.of("t")),
            (a, b) -> true);
    String event =
        "{\"id\":\"evt_1\",\"type\":\"asset.created\",\"subject\":null,"
            + "\"timestamp\":\"2026-01-01T00:00:00Z\",\"data\":{}}";
    assertThat(contract.problems("GET", "/v1/events", 200, sse, "id: 0-1\ndata: " + event + "\n\n"))
        .isEmpty();
    assertThat(
            contract.problems(
                "GET", "/v1/events", 200, sse, "data: " + event.replace("evt_1", "1") + "\n\n"))
        .anyMatch(p -> p.startsWith("event") && p.contains("/id"));
    // a JSON answer where the document has another media type
    assertThat(contract.problems("GET", "/openapi.yaml", 200, json, "{}"))
        .anyMatch(p -> p.contains("application/json"));

    // and TestGrid's helpers fail the test with the route, the status and the messages
    HttpResponse<String> tampered =
        new StringAnswer(real, asset.copy().put("tags", "not-a-list").encode());
    try {
      TestGrid.checked(tampered);
      throw new IllegalStateException("a wrong body passed the check");
    } catch (AssertionError e) {
      assertThat(e.getMessage())
          .contains("GET " + path)
          .contains("(200)")
          .contains("/tags")
          .contains("openapi.yaml");
    }
  }
}
