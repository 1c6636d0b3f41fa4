package dev.assetgrid.client;

/**
 * The exit codes of {@code assetgrid}, documented in the README: scripts branch on them, so they
 * never change meaning.
 */
public final class ExitCode {
  private ExitCode() {}

  /** Everything asked for was done. */
  public static final int OK = 0;

  /** The command ran, but a job or an item failed (a job ended failed, a file was refused). */
  public static final int FAILED = 1;

  /**
   * The command cannot run as given: a bad flag or argument, a bad or unsafe config file, a missing
   * file, or a request the server refused as it stands (a 4xx answer: a bad key, an unknown id).
   */
  public static final int USAGE = 2;

  /** The server could not be reached, broke the connection, or failed (a 5xx answer). */
  public static final int UNAVAILABLE = 3;
}
