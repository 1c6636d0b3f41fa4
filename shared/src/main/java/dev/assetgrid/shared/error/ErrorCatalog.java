package dev.assetgrid.shared.error;

/** Renders the {@link ErrorCode} catalogue as the project's {@code ERRORS.md}. */
public final class ErrorCatalog {
  private ErrorCatalog() {}

  public static String markdown() {
    StringBuilder sb = new StringBuilder();
    sb.append("# Error codes\n\n")
        .append(
            "Generated from `dev.assetgrid.shared.error.ErrorCode` by `ErrorCatalog.markdown()`; ")
        .append("`ErrorCatalogTest` keeps this file equal to the enum. ")
        .append("Regenerate with `mvn -pl shared test -Dassetgrid.writeErrors=true`.\n\n")
        .append(
            "Every failure carries one of these codes: HTTP errors (`application/problem+json`, field `code`), ")
        .append(
            "task attempts and job errors. *Retryable* codes are retried with capped exponential backoff; ")
        .append("the others fail the task at once.\n\n")
        .append("| code | HTTP | retryable | message |\n|---|---|---|---|\n");
    for (ErrorCode c : ErrorCode.values()) {
      sb.append("| `")
          .append(c.name())
          .append("` | ")
          .append(c.httpStatus())
          .append(" | ")
          .append(c.retryable() ? "yes" : "no")
          .append(" | ")
          .append(c.template().replace("%s", "…").replace("|", "\\|"))
          .append(" |\n");
    }
    return sb.toString();
  }
}
