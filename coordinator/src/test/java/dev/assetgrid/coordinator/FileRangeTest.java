package dev.assetgrid.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /v1/assets/{id}/files/{name}}: ETag, conditional GET and byte ranges. */
@Timeout(120)
class FileRangeTest {
  @TempDir static Path dir;
  static TestGrid grid;
  static byte[] glb;
  static String path;

  @BeforeAll
  static void start() throws Exception {
    grid = TestGrid.start(TestGrid.config(dir, TestPostgres.newDatabase()));
    glb = TinyGlb.triangle();
    HttpResponse<String> r = grid.uploadBytes(glb, "tri.glb", "pipeline=noop");
    path =
        "/v1/assets/"
            + new JsonObject(r.body()).getJsonObject("asset").getString("id")
            + "/files/original";
  }

  @AfterAll
  static void stop() {
    grid.close();
  }

  static HttpResponse<byte[]> get(String... headers) throws Exception {
    var b = grid.request(path);
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return grid.http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  @Test
  void wholeFileCarriesItsShaAsStrongETagAndLength() throws Exception {
    HttpResponse<byte[]> r = get();
    assertThat(r.statusCode()).as(new String(r.body())).isEqualTo(200);
    assertThat(r.body()).isEqualTo(glb);
    assertThat(r.headers().firstValue("ETag")).hasValue("\"" + AssetDeleteTest.sha256(glb) + "\"");
    assertThat(r.headers().firstValue("Accept-Ranges")).hasValue("bytes");
    assertThat(r.headers().firstValueAsLong("Content-Length")).hasValue(glb.length);
    String etag = r.headers().firstValue("ETag").orElseThrow();
    assertThat(get("If-None-Match", etag).statusCode()).isEqualTo(304);
    assertThat(get("If-None-Match", "\"other\"").statusCode()).isEqualTo(200);
  }

  @Test
  void rangesAnswer206WithTheirBytesAndContentRange() throws Exception {
    int n = glb.length;
    HttpResponse<byte[]> first = get("Range", "bytes=0-11");
    assertThat(first.statusCode()).isEqualTo(206);
    assertThat(first.body()).isEqualTo(Arrays.copyOfRange(glb, 0, 12));
    assertThat(first.headers().firstValue("Content-Range")).hasValue("bytes 0-11/" + n);

    HttpResponse<byte[]> open = get("Range", "bytes=20-");
    assertThat(open.statusCode()).isEqualTo(206);
    assertThat(open.body()).isEqualTo(Arrays.copyOfRange(glb, 20, n));

    HttpResponse<byte[]> suffix = get("Range", "bytes=-8");
    assertThat(suffix.body()).isEqualTo(Arrays.copyOfRange(glb, n - 8, n));
    assertThat(suffix.headers().firstValue("Content-Range"))
        .hasValue("bytes " + (n - 8) + "-" + (n - 1) + "/" + n);

    HttpResponse<byte[]> pastEnd = get("Range", "bytes=" + n + "-");
    assertThat(pastEnd.statusCode()).isEqualTo(416);
    assertThat(pastEnd.headers().firstValue("Content-Range")).hasValue("bytes */" + n);
    assertThat(new String(pastEnd.body())).contains("RANGE_NOT_SATISFIABLE");

    assertThat(get("Range", "bytes=0-1,4-5").statusCode()).as("several: whole").isEqualTo(200);
    assertThat(get("Range", "items=0-1").statusCode()).as("other unit: whole").isEqualTo(200);
    assertThat(get("Range", "bytes=0-3", "If-Range", "\"stale\"").statusCode())
        .as("If-Range that does not match: whole")
        .isEqualTo(200);
  }
}
