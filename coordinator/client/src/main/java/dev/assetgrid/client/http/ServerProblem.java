package dev.assetgrid.client.http;

import dev.assetgrid.client.ClientException;
import dev.assetgrid.client.ExitCode;

/**
 * The coordinator refused or failed a request: a 4xx is something the user can fix (the key, an id,
 * an argument: {@link ExitCode#USAGE}), a 5xx is the server's ({@link ExitCode#UNAVAILABLE}).
 */
public final class ServerProblem extends ClientException {
  private final transient Problem problem;

  public ServerProblem(Problem problem) {
    super(
        problem.status() >= 500 ? ExitCode.UNAVAILABLE : ExitCode.USAGE,
        problem.status() == 401 && problem.code() != null
            ? problem.sentence()
                + " Give a valid key with --key, ASSETGRID_KEY or key= in the config file."
            : problem.sentence());
    this.problem = problem;
  }

  public Problem problem() {
    return problem;
  }
}
