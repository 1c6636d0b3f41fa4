package dev.assetgrid.shared.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.assetgrid.shared.error.AssetGridException;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterSecretTest {
  private static final Instant NOW = Instant.parse("2026-12-02T08:00:00Z");

  private static ClusterSecret at(ClusterSecret s, Instant t) {
    return s.withClock(Clock.fixed(t, ZoneOffset.UTC));
  }

  /** The headers a sender with {@code s} puts on a message to {@code address}. */
  private static MultiMap signed(ClusterSecret s, String address, String nonce, Object body) {
    String ts = Long.toString(NOW.toEpochMilli());
    return MultiMap.caseInsensitiveMultiMap()
        .add(ClusterSecret.TS, ts)
        .add(ClusterSecret.NONCE, nonce)
        .add(ClusterSecret.PROOF, s.proof(address, ts, nonce, body));
  }

  @Test
  void aSecretIsWrittenOwnerOnlyOnceAndReadBack(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("data").resolve(ClusterSecret.FILE_NAME);
    ClusterSecret made = ClusterSecret.readOrCreate(file);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    assertThat(ClusterSecret.readOrCreate(file).text()).isEqualTo(made.text());
    assertThat(ClusterSecret.of(made.text()).clusterName("g")).isEqualTo(made.clusterName("g"));
    assertThat(made.text()).hasSize(43); // 32 bytes, unpadded base64url
    assertThat(made.toString()).doesNotContain(made.text());
    assertThatThrownBy(() -> ClusterSecret.of("short")).isInstanceOf(AssetGridException.class);
  }

  @Test
  void gridsWithOtherSecretsGetOtherClusterNames() {
    ClusterSecret a = ClusterSecret.generate();
    ClusterSecret b = ClusterSecret.generate();
    assertThat(a.clusterName("assetgrid"))
        .startsWith("assetgrid-")
        .isNotEqualTo(b.clusterName("assetgrid"));
    assertThat(a.clusterName("assetgrid")).isNotEqualTo(a.clusterName("other"));
  }

  @Test
  void onlyASignedUnalteredFreshMessageFromAHolderPasses() {
    ClusterSecret s = at(ClusterSecret.generate(), NOW);
    JsonObject body = new JsonObject().put("nodeId", "n1").put("freeSlots", 4);
    JsonObject altered = body.copy().put("freeSlots", 64);
    // a point-to-point proof covers address, time and nonce (signed with no body, as the sender
    // does)
    MultiMap request = signed(s, "assetgrid.lease", "n-1", null);
    assertThat(s.verify("assetgrid.lease", request, body, true)).isNull();
    // seen once, it cannot come again, with this body or another
    assertThat(s.verify("assetgrid.lease", request, body, true)).contains("replay");
    assertThat(s.verify("assetgrid.lease", request, altered, true)).contains("replay");

    // a published message reaches several local consumers with one nonce; its proof covers the body
    MultiMap pub = signed(s, "assetgrid.nodes", "n-2", body);
    assertThat(s.verify("assetgrid.nodes", pub, body, false)).isNull();
    assertThat(s.verify("assetgrid.nodes", pub, body, false)).isNull();
    assertThat(s.verify("assetgrid.nodes", pub, altered, false)).contains("does not match");

    // unsigned, another secret, another address, too old or too new
    assertThat(s.verify("assetgrid.lease", MultiMap.caseInsensitiveMultiMap(), body, true))
        .contains("no cluster proof");
    ClusterSecret other = ClusterSecret.generate();
    assertThat(
            s.verify("assetgrid.lease", signed(other, "assetgrid.lease", "n-3", null), body, true))
        .contains("does not match");
    assertThat(
            s.verify("assetgrid.complete", signed(s, "assetgrid.lease", "n-5", null), body, true))
        .contains("does not match");
    assertThat(
            at(s, NOW.plusSeconds(61))
                .verify("assetgrid.lease", signed(s, "assetgrid.lease", "n-6", null), body, true))
        .contains("off this clock");
    assertThat(
            at(s, NOW.minusSeconds(61))
                .verify("assetgrid.lease", signed(s, "assetgrid.lease", "n-7", null), body, true))
        .contains("off this clock");
  }
}
