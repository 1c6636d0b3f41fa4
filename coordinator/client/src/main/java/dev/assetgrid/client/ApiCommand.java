package dev.assetgrid.client;

import dev.assetgrid.client.http.Api;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A subcommand that talks to the coordinator: its API client (from the root's options) and its
 * output streams (picocli's, so tests capture them).
 */
public abstract class ApiCommand implements Callable<Integer> {
  @Spec protected CommandSpec spec;

  protected AssetgridCli root() {
    return (AssetgridCli) spec.root().userObject();
  }

  protected Api api() {
    return root().api();
  }

  protected PrintWriter out() {
    return spec.commandLine().getOut();
  }

  protected PrintWriter err() {
    return spec.commandLine().getErr();
  }

  /** One line of the command's result on stdout. */
  protected void say(String line) {
    out().println(line);
    out().flush();
  }
}
