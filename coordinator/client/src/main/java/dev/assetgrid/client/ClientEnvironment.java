package dev.assetgrid.client;

import java.nio.file.Path;
import java.util.Map;

/**
 * What the client takes from the process around it, so that tests can run it in-process with their
 * own: the environment variables, the home folder, and whether stdout is a terminal (bars) or not
 * (one plain line per finished file).
 */
public record ClientEnvironment(Map<String, String> env, Path home, boolean interactive) {
  public ClientEnvironment {
    env = Map.copyOf(env);
  }

  /** This process's. */
  public static ClientEnvironment system() {
    return new ClientEnvironment(
        System.getenv(), Path.of(System.getProperty("user.home")), System.console() != null);
  }

  /** {@code $XDG_STATE_HOME}, else {@code ~/.local/state}: where unfinished uploads are noted. */
  public Path stateHome() {
    String xdg = env.get("XDG_STATE_HOME");
    return xdg != null && !xdg.isBlank() ? Path.of(xdg) : home.resolve(".local").resolve("state");
  }
}
