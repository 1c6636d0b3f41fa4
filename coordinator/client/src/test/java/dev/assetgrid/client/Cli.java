package dev.assetgrid.client;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
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
    int exit = execute(out, err, args);
    return new Run(exit, out.toString(), err.toString());
  }

  /**
   * Starts {@code args} (with the base flags) in a thread of its own, for a command that goes on
   * until it is stopped ({@code events}): its output can be read while it runs.
   */
  public Running start(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(base);
    return new Running(all.toArray(String[]::new));
  }

  /** A command running in its own thread. */
  public final class Running {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private final Thread thread;
    private volatile int exit = -1;

    private Running(String[] args) {
      thread = new Thread(() -> exit = execute(out, err, args), "cli-running");
      thread.setDaemon(true);
      thread.start();
    }

    /** What it printed on stdout so far. */
    public String out() {
      return out.toString();
    }

    /** Waits up to {@code timeout} until {@code out()} satisfies {@code done}; whether it did. */
    public boolean awaitOut(java.util.function.Predicate<String> done, Duration timeout)
        throws InterruptedException {
      long end = System.nanoTime() + timeout.toNanos();
      while (!done.test(out()) && System.nanoTime() < end && thread.isAlive()) {
        Thread.sleep(20);
      }
      return done.test(out());
    }

    /** Interrupts it (as Ctrl-C would end it) and waits for its end. */
    public Run stop() throws InterruptedException {
      thread.interrupt();
      return await(Duration.ofSeconds(10));
    }

    /** Waits up to {@code timeout} for its end. */
    public Run await(Duration timeout) throws InterruptedException {
      thread.join(timeout.toMillis());
      if (thread.isAlive()) {
        throw new AssertionError("still running after " + timeout + ":\n" + out());
      }
      return new Run(exit, out.toString(), err.toString());
    }
  }

  private int execute(StringWriter out, StringWriter err, String[] args) {
    var cl = AssetgridCli.commandLine(new ClientEnvironment(env, home, false));
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    return cl.execute(args);
  }
}
