package dev.assetgrid.shared.error;

/**
 * Every failure assetgrid reports carries one of these codes: HTTP problems, task results and
 * attempt records. The code is stable (clients switch on it); the HTTP status and whether a retry
 * can help are properties of the code, not of the place that raised it.
 *
 * <p>{@code ERRORS.md} at the project root is generated from this enum ({@code
 * ErrorCatalog.markdown()}) and a test keeps the two equal.
 */
public enum ErrorCode {
  // --- request errors (the caller can fix them) ---
  INVALID_REQUEST(400, false, "The request is malformed: %s"),
  UNAUTHORIZED(401, false, "Missing or invalid credentials"),
  FORBIDDEN(403, false, "Not allowed: %s"),
  NOT_FOUND(404, false, "No such resource: %s"),
  METHOD_NOT_ALLOWED(405, false, "Method not allowed on %s"),
  CONFLICT(409, false, "Conflicting state: %s"),
  UPLOAD_TOO_LARGE(413, false, "Upload exceeds the limit of %s bytes"),
  UNSUPPORTED_FORMAT(415, false, "Unsupported or unrecognised model format: %s"),
  RATE_LIMITED(429, true, "Too many requests: %s"),
  QUOTA_EXCEEDED(403, false, "Quota exceeded: %s"),
  RANGE_NOT_SATISFIABLE(416, false, "The requested range is not satisfiable: %s"),
  CHECKSUM_MISMATCH(422, false, "The uploaded bytes do not match the declared sha256 or size: %s"),
  UPLOAD_PART_MISSING(409, false, "The upload is missing a part: %s"),
  UPLOAD_EXPIRED(410, false, "The upload expired or was aborted; start a new one: %s"),
  URL_NOT_ALLOWED(422, false, "The URL is not allowed: %s"),

  // --- bad input data (retrying the same bytes cannot help) ---
  GLB_TRUNCATED(422, false, "GLB is truncated: %s"),
  GLB_INVALID_HEADER(422, false, "GLB header is invalid: %s"),
  GLB_CHUNK_LENGTH_MISMATCH(422, false, "GLB chunk lengths do not match the data: %s"),
  GLTF_INVALID_JSON(422, false, "glTF JSON cannot be parsed: %s"),
  GLTF_NOT_GLTF(422, false, "JSON document is not glTF 2.0: %s"),
  GLTF_INVALID(422, false, "glTF document is invalid: %s"),
  GLTF_RESOURCE_MISSING(422, false, "glTF refers to a resource that was not provided: %s"),
  INPUT_LIMIT_EXCEEDED(422, false, "Input exceeds a configured limit: %s"),
  DATA_ERROR(422, false, "Input data is invalid: %s"),

  // --- task protocol ---
  LEASE_INVALID(409, false, "Lease is not current (expired, reassigned or fenced): %s"),
  TASK_TYPE_UNSUPPORTED(422, false, "No handler for task type %s"),
  TASK_CANCELLED(409, false, "Task was cancelled"),
  TASK_TIMED_OUT(504, true, "Task exceeded its maximum run time of %s"),
  LEASE_EXPIRED(503, true, "Lease expired before the task completed"),
  NODE_LOST(503, true, "The node running the task left the cluster"),
  NATIVE_UNAVAILABLE(503, true, "Native library not available on this node: %s"),
  NATIVE_CRASH(
      500,
      true,
      "Native code crashed while processing the input; the node and the grid are unaffected: %s"),
  RESOURCE_LIMIT(
      422, false, "Processing the input needed more memory than a worker process may use: %s"),

  // --- infrastructure (transient, worth a retry) ---
  BLOB_NOT_FOUND(404, false, "Blob %s does not exist"),
  BLOB_CHECKSUM_MISMATCH(502, true, "Blob content does not match its sha256: %s"),
  BLOB_IO_ERROR(503, true, "Blob store I/O failed: %s"),
  STORAGE_UNAVAILABLE(503, true, "The object store is unavailable, retry later: %s"),
  DERIVATIVE_REGENERATING(
      503, true, "The derivative was dropped by the retention rule and is being made again: %s"),
  STORE_UNAVAILABLE(503, true, "Database unavailable: %s"),
  TRANSFER_FAILED(502, true, "Transfer between node and coordinator failed: %s"),
  OVERLOADED(503, true, "Server is overloaded, retry later"),
  NOT_READY(503, true, "Service is not ready: %s"),
  INTERNAL_ERROR(500, true, "Internal error: %s");

  private final int httpStatus;
  private final boolean retryable;
  private final String template;

  ErrorCode(int httpStatus, boolean retryable, String template) {
    this.httpStatus = httpStatus;
    this.retryable = retryable;
    this.template = template;
  }

  /** HTTP status used when this code is answered as a problem. */
  public int httpStatus() {
    return httpStatus;
  }

  /** Whether retrying the same work may succeed; {@code false} means fail at once. */
  public boolean retryable() {
    return retryable;
  }

  /** The message template, with {@code %s} placeholders. */
  public String template() {
    return template;
  }

  /** The message for the given details; missing details render as an empty string. */
  public String format(Object... args) {
    int slots = template.split("%s", -1).length - 1;
    Object[] filled = new Object[slots];
    for (int i = 0; i < slots; i++) {
      filled[i] = i < args.length && args[i] != null ? args[i] : "";
    }
    return String.format(template, filled);
  }

  /** Looks up a code by name; unknown names map to {@link #INTERNAL_ERROR}. */
  public static ErrorCode of(String name) {
    if (name == null) {
      return INTERNAL_ERROR;
    }
    try {
      return valueOf(name);
    } catch (IllegalArgumentException e) {
      return INTERNAL_ERROR;
    }
  }
}
