package dev.assetgrid.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --storage-price-per-gb-month}: {@code GET /v1/stats} shows the tenant's monthly storage
 * cost, stored bytes / 10^9 times the price, over the real HTTP API.
 */
@Timeout(120)
class StorageCostTest {
  /** A price that makes the few kB of a test grid cost more than a rounding error. */
  static final BigDecimal PRICE = new BigDecimal("1000000.5");

  @TempDir static Path dir;
  static TestGrid grid;

  @BeforeAll
  static void start() throws Exception {
    grid =
        TestGrid.start(
            TestGrid.config(dir, TestPostgres.newDatabase())
                .withStorage(StorageOptions.defaults().withPricePerGbMonth(PRICE)));
  }

  @AfterAll
  static void stop() {
    if (grid != null) {
      grid.close();
    }
  }

  @Test
  void statsEstimateTheMonthlyCostOfTheTenantsStoredBytes() throws Exception {
    JsonObject empty = storage();
    assertThat(empty.getLong("storedBytes")).isZero();
    assertThat(empty.getJsonObject("monthlyCostEstimate").getDouble("amount")).isZero();

    for (String name : new String[] {"a", "b"}) {
      HttpResponse<String> r =
          grid.uploadBytes(TinyGlb.triangle(name), name + ".glb", "pipeline=validate");
      assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    }
    JsonObject storage = storage();
    long stored = storage.getLong("storedBytes");
    assertThat(stored)
        .as("two originals")
        .isGreaterThanOrEqualTo(2L * TinyGlb.triangle("a").length);
    JsonObject cost = storage.getJsonObject("monthlyCostEstimate");
    assertThat(cost.getDouble("pricePerGbMonth")).isEqualTo(PRICE.doubleValue());
    assertThat(cost.getDouble("storedGb")).isCloseTo(stored / 1e9, within(1e-15));
    BigDecimal expected =
        BigDecimal.valueOf(stored)
            .multiply(PRICE)
            .divide(BigDecimal.TEN.pow(9))
            .setScale(4, java.math.RoundingMode.HALF_UP);
    assertThat(BigDecimal.valueOf(cost.getDouble("amount"))).isEqualByComparingTo(expected);
    assertThat(cost.getString("basis")).contains("10^9");
  }

  @Test
  void aBadPriceIsOneSentence() {
    CoordinatorMain bad = new CoordinatorMain();
    new picocli.CommandLine(bad).parseArgs("--storage-price-per-gb-month", "-1");
    org.assertj.core.api.Assertions.assertThatThrownBy(bad::storageOptions)
        .hasMessage(
            "--storage-price-per-gb-month takes a decimal number of at least 0, e.g. 0.023, not"
                + " -1");
    CoordinatorMain none = new CoordinatorMain();
    new picocli.CommandLine(none).parseArgs();
    assertThat(none.storageOptions().pricePerGbMonth()).isEqualByComparingTo(BigDecimal.ZERO);
  }

  private static JsonObject storage() throws Exception {
    HttpResponse<String> r = grid.get("/v1/stats");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return new JsonObject(r.body()).getJsonObject("storage");
  }
}
