package dev.assetgrid.client;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs {@code assetgrid} in this JVM through picocli's {@code CommandLine.execute}, with an
 * environment of the test's own (no terminal: plain lines) and stdout and stderr captured.
 */
public final class Cli {
  /** One run: its exit code and what it printed. */
  public record Run(int exit, String out, String err) {
    @Override
    public String toString() {
      return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
  }

  private final Map<String, String> env = new HashMap<>();
  private final Path home;
  private final List<String> base = new ArrayList<>();

  /**
   * @param home the home folder (config and upload notes go under it unless the environment says
   *     otherwise)
   */
  public Cli(Path home) {
    this.home = home;
  }

  /** A client of {@code url} with {@code key}, as flags before every command's own arguments. */
  public static Cli of(Path home, String url, String key) {
    Cli c = new Cli(home);
    c.base.addAll(List.of("--url", url, "--key", key));
    return c;
  }

  public Cli env(String name, String value) {
    env.put(name, value);
    return this;
  }

  public Run run(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    // the shared flags go after the subcommand's name (picocli takes inherited options anywhere)
    all.addAll(base);
    return runExactly(all.toArray(String[]::new));
  }

  /** Runs {@code args} as given, without the base flags. */
  public Run runExactly(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    var cl = AssetgridCli.commandLine(new ClientEnvironment(env, home, false));
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int exit = cl.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }
}
