package dev.assetgrid.coordinator.http;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;

/**
 * The dashboard: {@code GET /} is its page, {@code GET /dashboard/*} its scripts, styles and the
 * three.js files of the 3D preview, all from this jar (built from {@code src/main/dashboard} by
 * {@code build.mjs}; nothing is loaded from the internet). Public like {@code /health}: the page
 * holds no data, and every request it makes carries the key the user enters.
 *
 * <p>Every answer forbids what the page does not need: scripts, styles, images and connections from
 * this origin only, plus {@code blob:} for downloaded thumbnails and models and the KTX2 loader's
 * worker, WebAssembly for the meshopt and Basis decoders, and {@code 'unsafe-eval'}, which the
 * Basis transcoder's Emscripten bindings need to build their functions (in the worker, which
 * inherits this policy); no framing. The page never turns data into markup or code: it builds its
 * DOM from elements and text nodes.
 */
final class DashboardResource implements HttpResource {
  /** Where build.mjs puts the dashboard on the classpath. */
  static final String ROOT = "assetgrid/dashboard";

  static final String CSP =
      "default-src 'self'; script-src 'self' 'wasm-unsafe-eval' 'unsafe-eval'; worker-src 'self' blob:;"
          + " img-src 'self' blob: data:; connect-src 'self' blob: data:; style-src 'self';"
          + " object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

  @Override
  public void register(Router r) {
    StaticHandler files =
        StaticHandler.create(ROOT)
            .setIndexPage("index.html")
            .setDirectoryListing(false)
            .setIncludeHidden(false);
    r.get("/")
        .handler(DashboardResource::headers)
        .handler(
            ctx ->
                ctx.response()
                    .putHeader("Content-Type", "text/html; charset=utf-8")
                    .putHeader("Cache-Control", "no-cache")
                    .sendFile(ROOT + "/index.html")
                    .onFailure(e -> Problems.send(ctx, e)));
    r.get("/dashboard/*").handler(DashboardResource::headers).handler(files);
  }

  private static void headers(RoutingContext ctx) {
    ctx.response()
        .putHeader("Content-Security-Policy", CSP)
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("Referrer-Policy", "no-referrer")
        .putHeader("X-Frame-Options", "DENY");
    ctx.next();
  }
}
