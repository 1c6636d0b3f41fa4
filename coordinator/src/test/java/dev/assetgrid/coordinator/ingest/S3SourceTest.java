package dev.assetgrid.coordinator.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.assetgrid.coordinator.blob.TestS3;
import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

/** The S3 source against a real S3-compatible server: listing across pages, the file cap, heads. */
class S3SourceTest {
  @TempDir Path dir;

  @Test
  void aPrefixIsListedAcrossPagesWithinTheCap() throws Exception {
    try (TestS3 s3 = TestS3.start(dir)) {
      String bucket = s3.createBucket();
      for (String key :
          List.of("in/a.glb", "in/b/c.gltf", "in/b/c.bin", "in/d/", "in/e.png", "other/x.glb")) {
        s3.client()
            .putObject(
                PutObjectRequest.builder().bucket(bucket).key(key).build(),
                RequestBody.fromString("bytes of " + key));
      }
      S3Source.Credentials creds =
          new S3Source.Credentials(TestS3.ACCESS_KEY, TestS3.SECRET_KEY, null);
      try (S3Source src =
          new S3Source(
              dev.assetgrid.coordinator.blob.S3Options.of(bucket)
                  .withEndpoint(s3.endpoint())
                  .withRegion("us-east-1")
                  .withPathStyle(true)
                  .withPrefix("in"),
              creds,
              null,
              2)) {
        List<ImportSource.Entry> all = src.list(100);
        assertThat(all.stream().map(ImportSource.Entry::name))
            .containsExactlyInAnyOrder("a.glb", "b/c.gltf", "b/c.bin", "e.png");
        assertThat(all).allMatch(e -> e.ref().startsWith("in/") && e.size() > 0);
        ImportSource.Entry gltf =
            all.stream().filter(e -> e.name().equals("b/c.gltf")).findFirst().orElseThrow();
        assertThat(new String(src.head(gltf, 8), StandardCharsets.UTF_8)).isEqualTo("bytes of");
        assertThatThrownBy(() -> src.list(3))
            .isInstanceOfSatisfying(
                AssetGridException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.INPUT_LIMIT_EXCEEDED));
      }
    }
  }
}
