package dev.assetgrid.shared.error;

import java.util.Map;

/** An exception that carries a stable {@link ErrorCode} and structured details. */
public class AssetGridException extends RuntimeException {
  private final ErrorCode code;
  private final Map<String, Object> details;

  public AssetGridException(ErrorCode code, String message) {
    this(code, message, Map.of(), null);
  }

  public AssetGridException(ErrorCode code, String message, Throwable cause) {
    this(code, message, Map.of(), cause);
  }

  public AssetGridException(
      ErrorCode code, String message, Map<String, Object> details, Throwable cause) {
    super(message, cause);
    this.code = code;
    this.details = Map.copyOf(details);
  }

  /** Builds an exception whose message is the code's template filled with {@code args}. */
  public static AssetGridException of(ErrorCode code, Object... args) {
    return new AssetGridException(code, code.format(args));
  }

  public ErrorCode code() {
    return code;
  }

  public Map<String, Object> details() {
    return details;
  }

  public boolean retryable() {
    return code.retryable();
  }

  /**
   * The bad setting behind a failed start (a TLS file, a bucket, a flag's value): the first {@code
   * INVALID_REQUEST} in {@code t}'s causes, which a command prints as its one sentence; null when
   * the failure is something else.
   */
  public static AssetGridException badSetting(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof AssetGridException age && age.code() == ErrorCode.INVALID_REQUEST) {
        return age;
      }
    }
    return null;
  }

  /** The code of any throwable: ours carry one, everything else is an internal error. */
  public static ErrorCode codeOf(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof AssetGridException age) {
        return age.code();
      }
    }
    return ErrorCode.INTERNAL_ERROR;
  }
}
