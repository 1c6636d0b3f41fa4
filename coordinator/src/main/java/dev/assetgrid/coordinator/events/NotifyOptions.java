package dev.assetgrid.coordinator.events;

import dev.assetgrid.coordinator.net.Cidr;
import java.time.Duration;
import java.util.List;

/**
 * How the grid tells others what happened: the durable event stream and webhooks.
 *
 * @param eventRetention how long events (and their deliveries) are kept ({@code
 *     --event-retention}); at least the retry window
 * @param allowHttpWebhooks whether {@code http://} receivers are accepted ({@code
 *     --allow-http-webhooks}); off by default: https only
 * @param allowCidrs internal address ranges receivers may nevertheless use ({@code
 *     --webhook-allow-cidr}); none by default
 * @param timeout how long one delivery attempt may take, connect to last byte ({@code
 *     --webhook-timeout})
 * @param retryBase the first retry delay, doubled each attempt up to an hour, with jitter ({@code
 *     --webhook-retry-base})
 * @param retryFor how long a delivery is retried from its first attempt ({@code
 *     --webhook-retry-for})
 * @param disableAfter a webhook whose every attempt failed for this long is disabled ({@code
 *     --webhook-disable-after})
 * @param concurrency deliveries one coordinator sends at once ({@code --webhook-concurrency})
 */
public record NotifyOptions(
    Duration eventRetention,
    boolean allowHttpWebhooks,
    List<Cidr> allowCidrs,
    Duration timeout,
    Duration retryBase,
    Duration retryFor,
    Duration disableAfter,
    int concurrency) {
  public static final Duration DEFAULT_EVENT_RETENTION = Duration.ofDays(7);
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
  public static final Duration DEFAULT_RETRY_BASE = Duration.ofSeconds(5);
  public static final Duration DEFAULT_RETRY_FOR = Duration.ofHours(24);
  public static final Duration DEFAULT_DISABLE_AFTER = Duration.ofDays(5);
  public static final int DEFAULT_CONCURRENCY = 16;

  /** The longest delay between two attempts. */
  public static final Duration MAX_RETRY_DELAY = Duration.ofHours(1);

  public NotifyOptions {
    allowCidrs = List.copyOf(allowCidrs);
    positive("timeout", timeout);
    positive("retryBase", retryBase);
    positive("retryFor", retryFor);
    positive("disableAfter", disableAfter);
    positive("eventRetention", eventRetention);
    if (eventRetention.compareTo(retryFor) < 0) {
      throw new IllegalArgumentException(
          "events must be kept at least as long as deliveries are retried (--event-retention >="
              + " --webhook-retry-for)");
    }
    if (concurrency < 1 || concurrency > 1024) {
      throw new IllegalArgumentException("webhook concurrency must be 1..1024");
    }
  }

  public static NotifyOptions defaults() {
    return new NotifyOptions(
        DEFAULT_EVENT_RETENTION,
        false,
        List.of(),
        DEFAULT_TIMEOUT,
        DEFAULT_RETRY_BASE,
        DEFAULT_RETRY_FOR,
        DEFAULT_DISABLE_AFTER,
        DEFAULT_CONCURRENCY);
  }

  /** Receivers on these internal ranges, and over plain http when {@code http} (tests, labs). */
  public NotifyOptions withReceivers(boolean http, List<Cidr> allowed) {
    return new NotifyOptions(
        eventRetention, http, allowed, timeout, retryBase, retryFor, disableAfter, concurrency);
  }

  public NotifyOptions withRetries(
      Duration base, Duration retryFor, Duration disableAfter, Duration timeout) {
    return new NotifyOptions(
        eventRetention,
        allowHttpWebhooks,
        allowCidrs,
        timeout,
        base,
        retryFor,
        disableAfter,
        concurrency);
  }

  /**
   * The delay before attempt {@code attempt + 1}: {@code retryBase * 2^(attempt-1)}, at most {@link
   * #MAX_RETRY_DELAY}, scaled by {@code jitter} (a number in [0, 1): the delay lies between half
   * and all of it).
   */
  public Duration retryDelay(int attempt, double jitter) {
    long base = retryBase.toMillis();
    int shift = Math.min(Math.max(attempt - 1, 0), 30);
    long d = Math.min(MAX_RETRY_DELAY.toMillis(), base << shift);
    if (d < 0) {
      d = MAX_RETRY_DELAY.toMillis();
    }
    return Duration.ofMillis(Math.max(1, (long) (d * (0.5 + jitter / 2))));
  }

  private static void positive(String what, Duration d) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(what + " must be positive");
    }
  }
}
