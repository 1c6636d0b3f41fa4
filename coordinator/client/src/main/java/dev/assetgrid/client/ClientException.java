package dev.assetgrid.client;

/**
 * A failure the user is told about in one sentence (its message), with the exit code it ends the
 * command with. Everything the client reports goes through one of these, so no Java text reaches
 * the terminal unless {@code --debug} asks for it.
 */
public class ClientException extends RuntimeException {
  private final int exitCode;

  public ClientException(int exitCode, String sentence) {
    this(exitCode, sentence, null);
  }

  public ClientException(int exitCode, String sentence, Throwable cause) {
    super(sentence, cause);
    this.exitCode = exitCode;
  }

  /** One of {@link ExitCode}. */
  public int exitCode() {
    return exitCode;
  }

  /** A usage or configuration error ({@link ExitCode#USAGE}). */
  public static ClientException usage(String sentence) {
    return new ClientException(ExitCode.USAGE, sentence);
  }
}
