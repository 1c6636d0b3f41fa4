package dev.assetgrid.bench.run;

/**
 * One HTTP request that asked the grid for jobs, timed by the client (epoch ms, this machine's
 * clock): an upload (one asset, one job) or a bulk {@code POST /v1/jobs} (up to 1,000 jobs over
 * assets already uploaded).
 *
 * @param jobs jobs the request created; 0 when it was refused
 * @param errorCode the problem code when it was refused, else null
 */
public record SubmitRequest(Kind kind, long startMs, long endMs, int jobs, String errorCode) {

  /** What the request was. */
  public enum Kind {
    UPLOAD,
    BULK
  }

  public boolean accepted() {
    return errorCode == null;
  }

  /** Client time of the request, ms. */
  public long ms() {
    return endMs - startMs;
  }
}
