package dev.assetgrid.coordinator.http;

import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * The {@code monthlyCostEstimate} of {@code /v1/stats}: what keeping a tenant's stored bytes for a
 * month costs at the operator's price ({@code --storage-price-per-gb-month}). GB here is 10^9 bytes
 * (the decimal gigabyte object stores bill by; not 2^30). The bytes are every blob the store holds
 * for the tenant, those awaiting the purge included, since the store bills them too; requests and
 * data transfer are not in it.
 *
 * @param pricePerGbMonth the price of one GB-month, in the operator's currency
 * @param storedGb the stored bytes / 10^9, exact (9 decimal places)
 * @param amount {@code storedGb × pricePerGbMonth}, rounded half up to {@value #AMOUNT_SCALE}
 *     decimal places
 */
record StorageCost(BigDecimal pricePerGbMonth, BigDecimal storedGb, BigDecimal amount) {
  static final BigDecimal BYTES_PER_GB = BigDecimal.TEN.pow(9);
  static final int AMOUNT_SCALE = 4;

  static StorageCost of(long storedBytes, BigDecimal pricePerGbMonth) {
    BigDecimal gb = BigDecimal.valueOf(storedBytes).divide(BYTES_PER_GB).setScale(9);
    return new StorageCost(
        pricePerGbMonth,
        gb,
        gb.multiply(pricePerGbMonth).setScale(AMOUNT_SCALE, RoundingMode.HALF_UP));
  }

  JsonObject toJson() {
    return new JsonObject()
        .put("pricePerGbMonth", pricePerGbMonth)
        .put("storedGb", storedGb)
        .put("amount", amount)
        .put(
            "basis",
            "storedBytes / 10^9 (decimal GB) x pricePerGbMonth; requests and transfer not included");
  }
}
