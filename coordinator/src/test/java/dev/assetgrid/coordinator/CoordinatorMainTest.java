package dev.assetgrid.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.assetgrid.node.EnvFlags;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class CoordinatorMainTest {
  @Test
  void everyFlagHasItsEnvironmentVariable() {
    EnvFlags.everyFlagHasItsVariable(CoordinatorMain.class, 18);
  }

  @Test
  void backupAndRestoreShareTheCoordinatorsVariables() {
    EnvFlags.everyFlagHasItsVariable(BackupCommands.Target.class, 3);
    EnvFlags.everyFlagHasItsVariable(S3Flags.class, 6);
    BackupCommands.BackupCommand backup = new BackupCommands.BackupCommand();
    new CommandLine(backup)
        .parseArgs(
            "--out", "b", "--s3-bucket", "assets", "--s3-prefix", "grid-a", "--s3-path-style");
    CoordinatorMain main = new CoordinatorMain();
    new CommandLine(main)
        .parseArgs("--s3-bucket", "assets", "--s3-prefix", "grid-a", "--s3-path-style");
    assertThat(backup.target.s3.storageOptions().s3())
        .as("the coordinator's --s3-* flags, the same S3Options")
        .isNotNull()
        .isEqualTo(main.storageOptions().s3());
    assertThat(fallback(BackupCommands.Target.class, "--data-dir"))
        .isEqualTo(fallback(CoordinatorMain.class, "--data-dir"));
    assertThat(new CommandLine(new CoordinatorMain()).getSubcommands())
        .containsOnlyKeys("backup", "restore");
  }

  @Test
  void flagDefaultsAreTheConfigDefaults() {
    CoordinatorConfig d = CoordinatorConfig.defaults();
    Class<?> spec = CoordinatorMain.class;
    assertThat(fallback(spec, "--port")).isEqualTo(String.valueOf(d.httpPort()));
    assertThat(fallback(spec, "--host")).isEqualTo(d.httpHost());
    assertThat(fallback(spec, "--data-dir")).isEqualTo(d.dataDir().toString());
    assertThat(fallback(spec, "--workers")).isEqualTo(String.valueOf(d.workers()));
    assertThat(fallback(spec, "--max-upload")).isEqualTo(String.valueOf(d.maxUploadBytes()));
    assertThat(fallback(spec, "--lease-seconds")).isEqualTo(String.valueOf(d.lease().toSeconds()));
    assertThat(fallback(spec, "--max-attempts")).isEqualTo(String.valueOf(d.maxAttempts()));
    assertThat(fallback(spec, "--cluster-host")).isEqualTo(d.cluster().bindHost());
    assertThat(fallback(spec, "--cluster-name")).isEqualTo(d.cluster().clusterName());
    assertThat(fallback(spec, "--auth")).isEqualTo(d.access().auth() ? "on" : "off");
    assertThat(Double.parseDouble(fallback(spec, "--rate-limit")))
        .isEqualTo(d.access().requestsPerSecond());
    assertThat(fallback(spec, "--audit-retention-days"))
        .isEqualTo(String.valueOf(d.access().auditRetention().toDays()));
  }

  @Test
  void accessFlagsBecomeAccessOptionsAndABadValueIsOneSentence() {
    CoordinatorMain m = new CoordinatorMain();
    new CommandLine(m)
        .parseArgs(
            "--auth",
            "off",
            "--quota-assets",
            "10",
            "--rate-limit",
            "0",
            "--upload-rate-limit",
            "1000000");
    AccessOptions a = m.accessOptions();
    assertThat(a.auth()).isFalse();
    assertThat(a.quotas().assets()).isEqualTo(10L);
    assertThat(a.quotas().storedBytes()).isNull();
    assertThat(a.requestsPerSecond()).isNull();
    assertThat(a.uploadBytesPerSecond()).isEqualTo(1_000_000d);
    CoordinatorMain bad = new CoordinatorMain();
    new CommandLine(bad).parseArgs("--auth", "maybe");
    assertThatThrownBy(bad::accessOptions)
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessage("--auth must be on or off, not maybe");
  }

  @Test
  void storageFlagsChooseTheStoreAndABadValueIsOneSentence() {
    CoordinatorMain local = new CoordinatorMain();
    new CommandLine(local).parseArgs();
    assertThat(local.storageOptions().s3()).as("the local folder by default").isNull();
    assertThat(local.storageOptions().filesVia()).isEqualTo(StorageOptions.FilesVia.REDIRECT);

    CoordinatorMain s3 = new CoordinatorMain();
    new CommandLine(s3)
        .parseArgs(
            "--s3-bucket",
            "assets",
            "--s3-endpoint",
            "http://127.0.0.1:9000",
            "--s3-path-style",
            "--s3-prefix",
            "grid-a",
            "--s3-sse",
            "aws:kms:key-1",
            "--files-via",
            "stream",
            "--purge-after",
            "7d");
    StorageOptions o = s3.storageOptions();
    assertThat(o.s3().bucket()).isEqualTo("assets");
    assertThat(o.s3().endpoint()).hasToString("http://127.0.0.1:9000");
    assertThat(o.s3().pathStyle()).isTrue();
    assertThat(o.s3().sseKmsKeyId()).isEqualTo("key-1");
    assertThat(o.filesVia()).isEqualTo(StorageOptions.FilesVia.STREAM);
    assertThat(o.purgeAfter()).isEqualTo(java.time.Duration.ofDays(7));

    CoordinatorMain noBucket = new CoordinatorMain();
    new CommandLine(noBucket).parseArgs("--s3-endpoint", "http://127.0.0.1:9000");
    assertThatThrownBy(noBucket::storageOptions).hasMessageContaining("needs --s3-bucket");
    assertThat(local.storageOptions().dropDerivativesAfter()).as("off by default").isNull();
    CoordinatorMain drop = new CoordinatorMain();
    new CommandLine(drop).parseArgs("--drop-derivatives-after", "30d");
    assertThat(drop.storageOptions().dropDerivativesAfter()).isEqualTo(Duration.ofDays(30));
    CoordinatorMain dropZero = new CoordinatorMain();
    new CommandLine(dropZero).parseArgs("--drop-derivatives-after", "0d");
    assertThatThrownBy(dropZero::storageOptions)
        .hasMessage("--drop-derivatives-after must be longer than 0 (or off), not 0");
    CoordinatorMain badVia = new CoordinatorMain();
    new CommandLine(badVia).parseArgs("--files-via", "carrier-pigeon");
    assertThatThrownBy(badVia::storageOptions)
        .hasMessage("--files-via must be redirect or stream, not carrier-pigeon");
  }

  @Test
  void scrubRateIsMegabytesPerSecondAndABadValueIsOneSentence() {
    assertThat(
            StorageOptions.parseMegabytesPerSecond(
                "--scrub-mb-per-s", fallback(CoordinatorMain.class, "--scrub-mb-per-s")))
        .isEqualTo(StorageOptions.DEFAULT_SCRUB_BYTES_PER_SECOND);
    assertThat(StorageOptions.parseMegabytesPerSecond("--scrub-mb-per-s", "0.5"))
        .isEqualTo(500_000);
    StorageOptions off = StorageOptions.defaults().withScrubBytesPerSecond(0);
    assertThat(off.scrubInBackground()).isFalse();
    assertThat(off.scrubPace()).isEqualTo(StorageOptions.DEFAULT_SCRUB_BYTES_PER_SECOND);
    for (String bad : new String[] {"fast", "-1", "20000", "NaN"}) {
      assertThatThrownBy(() -> StorageOptions.parseMegabytesPerSecond("--scrub-mb-per-s", bad))
          .isInstanceOf(dev.assetgrid.shared.error.AssetGridException.class)
          .hasMessage(
              "--scrub-mb-per-s takes MB per second from 0 (off) to 10000, e.g. 8, not " + bad);
    }
  }

  private static String fallback(Class<?> command, String name) {
    return EnvFlags.fallback(command, name);
  }
}
