package dev.assetgrid.coordinator.http;

import dev.assetgrid.shared.error.ErrorCode;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The API's own description, open to everyone: {@code GET /openapi.yaml} (the OpenAPI 3.1 document
 * {@value #DOCUMENT} on the classpath, read once), {@code GET /openapi.json} (the same as JSON) and
 * {@code GET /docs}, Swagger UI pointed at {@code /openapi.yaml}. The page is ours; Swagger UI's
 * files come from the {@code org.webjars:swagger-ui} jar on the classpath ({@code /docs/{file}}),
 * so the docs work with no network beyond this coordinator.
 */
final class DocsResource implements HttpResource {
  /** The document's classpath resource. */
  static final String DOCUMENT = "openapi.yaml";

  private static final String WEBJAR = "META-INF/resources/webjars/swagger-ui/";
  private static final String WEBJAR_POM = "META-INF/maven/org.webjars/swagger-ui/pom.properties";

  /** The files {@code /docs/{file}} serves from the webjar, with their content types. */
  static final Map<String, String> UI_FILES =
      Map.of(
          "swagger-ui.css", "text/css; charset=utf-8",
          "index.css", "text/css; charset=utf-8",
          "swagger-ui-bundle.js", "text/javascript; charset=utf-8",
          "swagger-ui-standalone-preset.js", "text/javascript; charset=utf-8",
          "favicon-16x16.png", "image/png",
          "favicon-32x32.png", "image/png",
          "oauth2-redirect.html", "text/html; charset=utf-8",
          "oauth2-redirect.js", "text/javascript; charset=utf-8");

  /** Our initializer (not the webjar's, which opens the petstore). */
  static final String INITIALIZER = "initializer.js";

  private static final String PAGE =
      """
      <!doctype html>
      <html lang="en">
      <head>
        <meta charset="utf-8">
        <title>assetgrid API</title>
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <link rel="stylesheet" href="/docs/swagger-ui.css">
        <link rel="stylesheet" href="/docs/index.css">
        <link rel="icon" type="image/png" href="/docs/favicon-32x32.png" sizes="32x32">
        <link rel="icon" type="image/png" href="/docs/favicon-16x16.png" sizes="16x16">
      </head>
      <body>
        <div id="swagger-ui"></div>
        <script src="/docs/swagger-ui-bundle.js" charset="utf-8"></script>
        <script src="/docs/swagger-ui-standalone-preset.js" charset="utf-8"></script>
        <script src="/docs/initializer.js" charset="utf-8"></script>
      </body>
      </html>
      """;

  private static final String INITIALIZER_JS =
      """
      window.onload = function () {
        window.ui = SwaggerUIBundle({
          url: "/openapi.yaml",
          dom_id: "#swagger-ui",
          deepLinking: true,
          presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
          plugins: [SwaggerUIBundle.plugins.DownloadUrl],
          layout: "StandaloneLayout",
          validatorUrl: null,
          persistAuthorization: true
        });
      };
      """;

  private final Vertx vertx;
  private final Buffer yaml;
  private final Buffer json;

  /** The webjar's folder of this version, or null when the jar is not on the classpath. */
  private final String uiFolder;

  private final Map<String, Buffer> uiCache = new ConcurrentHashMap<>();

  /**
   * Reads the document (on the calling thread: once, while the verticle starts).
   *
   * @throws IllegalStateException when the document is missing or is not YAML
   */
  DocsResource(Vertx vertx) {
    this.vertx = vertx;
    byte[] text = resource(DOCUMENT);
    if (text == null) {
      throw new IllegalStateException(DOCUMENT + " is not on the classpath");
    }
    this.yaml = Buffer.buffer(text);
    this.json = Buffer.buffer(toJson(new String(text, StandardCharsets.UTF_8)).encode());
    this.uiFolder = uiFolder();
  }

  /** The YAML document as a JSON tree (YAML's own types beyond JSON's are refused). */
  static JsonObject toJson(String yamlText) {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    Object tree = new Yaml(new SafeConstructor(options)).load(yamlText);
    if (!(tree instanceof Map<?, ?> map)) {
      throw new IllegalStateException(DOCUMENT + " is not a YAML mapping");
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> m = (Map<String, Object>) map;
    return new JsonObject(m);
  }

  @Override
  public void register(Router r) {
    r.get("/openapi.yaml")
        .handler(ctx -> send(ctx, "application/yaml; charset=utf-8", yaml, "no-cache"));
    r.get("/openapi.json")
        .handler(ctx -> send(ctx, "application/json; charset=utf-8", json, "no-cache"));
    r.get("/docs")
        .handler(ctx -> send(ctx, "text/html; charset=utf-8", Buffer.buffer(PAGE), "no-cache"));
    r.get("/docs/:file").handler(this::file);
  }

  private void file(RoutingContext ctx) {
    String name = ctx.pathParam("file");
    if (INITIALIZER.equals(name)) {
      send(ctx, "text/javascript; charset=utf-8", Buffer.buffer(INITIALIZER_JS), "no-cache");
      return;
    }
    String type = UI_FILES.get(name);
    if (type == null || uiFolder == null) {
      Problems.send(
          ctx,
          ErrorCode.NOT_FOUND,
          uiFolder == null ? "this build has no Swagger UI" : "docs file " + name);
      return;
    }
    Buffer cached = uiCache.get(name);
    if (cached != null) {
      send(ctx, type, cached, "public, max-age=86400");
      return;
    }
    vertx
        .executeBlocking(() -> resource(uiFolder + name), false)
        .onSuccess(
            bytes -> {
              if (bytes == null) {
                Problems.send(ctx, ErrorCode.NOT_FOUND, "docs file " + name);
                return;
              }
              Buffer b = Buffer.buffer(bytes);
              uiCache.put(name, b);
              send(ctx, type, b, "public, max-age=86400");
            })
        .onFailure(e -> Problems.send(ctx, e));
  }

  private static void send(RoutingContext ctx, String type, Buffer body, String cacheControl) {
    ctx.response()
        .putHeader("Content-Type", type)
        .putHeader("Cache-Control", cacheControl)
        .putHeader("X-Content-Type-Options", "nosniff")
        .end(body);
  }

  /**
   * The folder of the webjar's files ({@code META-INF/resources/webjars/swagger-ui/<version>/}),
   * from the version its Maven metadata names; null when the webjar is not on the classpath.
   */
  private static String uiFolder() {
    byte[] pom = resource(WEBJAR_POM);
    if (pom == null) {
      return null;
    }
    Properties p = new Properties();
    try {
      p.load(new java.io.ByteArrayInputStream(pom));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String version = p.getProperty("version");
    return version == null ? null : WEBJAR + version + "/";
  }

  /** A classpath resource's bytes, or null when there is none. */
  private static byte[] resource(String path) {
    try (InputStream in = DocsResource.class.getClassLoader().getResourceAsStream(path)) {
      return in == null ? null : in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
