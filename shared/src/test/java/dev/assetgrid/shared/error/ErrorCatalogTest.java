package dev.assetgrid.shared.error;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ErrorCatalogTest {
  /** ERRORS.md sits at the project root, one level above this module. */
  private static final Path ERRORS_MD = Path.of("..", "ERRORS.md");

  @Test
  void errorsMarkdownEqualsTheEnum() throws Exception {
    String generated = ErrorCatalog.markdown();
    if (Boolean.getBoolean("assetgrid.writeErrors")) {
      Files.writeString(ERRORS_MD, generated);
    }
    assertThat(Files.exists(ERRORS_MD))
        .as("ERRORS.md missing; run mvn -pl shared test -Dassetgrid.writeErrors=true")
        .isTrue();
    assertThat(Files.readString(ERRORS_MD))
        .as("ERRORS.md is stale; regenerate with -Dassetgrid.writeErrors=true")
        .isEqualTo(generated);
  }

  @Test
  void everyCodeHasAnErrorStatusAndAMessage() {
    for (ErrorCode c : ErrorCode.values()) {
      assertThat(c.httpStatus()).isBetween(400, 599);
      assertThat(c.template()).isNotBlank();
    }
    // input errors must never be retried, infrastructure errors must be
    assertThat(ErrorCode.DATA_ERROR.retryable()).isFalse();
    assertThat(ErrorCode.GLB_TRUNCATED.retryable()).isFalse();
    assertThat(ErrorCode.BLOB_IO_ERROR.retryable()).isTrue();
    assertThat(ErrorCode.NODE_LOST.retryable()).isTrue();
  }

  @Test
  void formatFillsMissingArgumentsAndUnknownNamesMapToInternal() {
    assertThat(ErrorCode.UPLOAD_TOO_LARGE.format(10))
        .isEqualTo("Upload exceeds the limit of 10 bytes");
    assertThat(ErrorCode.UPLOAD_TOO_LARGE.format()).isEqualTo("Upload exceeds the limit of  bytes");
    assertThat(ErrorCode.of("NO_SUCH_CODE")).isEqualTo(ErrorCode.INTERNAL_ERROR);
    assertThat(ErrorCode.of("DATA_ERROR")).isEqualTo(ErrorCode.DATA_ERROR);
  }
}
