package dev.assetgrid.coordinator.backup;

import dev.assetgrid.coordinator.store.Database;
import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import io.vertx.pgclient.PgConnectOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PostgreSQL's own client programs, {@code pg_dump} and {@code pg_restore}, found on this machine
 * and run as child processes.
 *
 * <p>Design note. The embedded server's bundle (zonky) ships only {@code initdb}, {@code pg_ctl}
 * and {@code postgres}, and {@code pg_dump} refuses a server of a newer major version than its own,
 * so a backup needs client tools at least as new as the server (17 for the embedded one), and a
 * restore a {@code pg_restore} at least as new as the {@code pg_dump} that wrote the archive.
 * Looked for, in order: {@code --pg-bin} / {@code ASSETGRID_PG_BIN} (only there when given), the
 * Debian/Ubuntu layout {@code /usr/lib/postgresql/<major>/bin} and the RPM one {@code
 * /usr/pgsql-<major>/bin} (newest first), then {@code PATH}; the newest one new enough wins.
 * Dumping through pg_dump rather than our own COPY loop keeps the backup a standard custom-format
 * archive that any PostgreSQL operator can inspect ({@code pg_restore --list}) or restore by hand.
 */
public final class PgTools {
  private static final Pattern VERSION = Pattern.compile("\\(PostgreSQL\\) (\\d+)(?:\\.(\\d+))?");

  /**
   * One program found.
   *
   * @param path the executable
   * @param major its PostgreSQL major version, e.g. 17
   * @param version what {@code --version} printed, e.g. {@code pg_dump (PostgreSQL) 17.12}
   */
  public record Tool(Path path, int major, String version) {}

  private final Path pgBin;

  /**
   * @param pgBin the folder to take the programs from, or null to search the usual places
   */
  public PgTools(Path pgBin) {
    this.pgBin = pgBin;
  }

  /**
   * The newest {@code name} of at least {@code minMajor}; INVALID_REQUEST (something the operator
   * installs) when there is none.
   *
   * @param why what needs it, for the message, e.g. "the server is PostgreSQL 17.11"
   */
  public Tool require(String name, int minMajor, String why) {
    List<Tool> found = candidates(name);
    Optional<Tool> best =
        found.stream().filter(t -> t.major() >= minMajor).max(Comparator.comparingInt(Tool::major));
    if (best.isPresent()) {
      return best.get();
    }
    String where = pgBin != null ? "in " + pgBin : "in /usr/lib/postgresql, /usr/pgsql-* or PATH";
    String have =
        found.isEmpty()
            ? "none was found " + where
            : "only "
                + found.stream().map(t -> t.version() + " at " + t.path()).toList()
                + " was found";
    throw new AssetGridException(
        ErrorCode.INVALID_REQUEST,
        name
            + " of PostgreSQL "
            + minMajor
            + " or newer is needed ("
            + why
            + ") but "
            + have
            + "; install postgresql-client-"
            + minMajor
            + " or point --pg-bin (ASSETGRID_PG_BIN) at a folder holding pg_dump and pg_restore");
  }

  private List<Tool> candidates(String name) {
    Set<Path> dirs = new LinkedHashSet<>();
    if (pgBin != null) {
      dirs.add(pgBin);
    } else {
      dirs.addAll(versionedDirs(Path.of("/usr/lib/postgresql"), "", "bin"));
      dirs.addAll(versionedDirs(Path.of("/usr"), "pgsql-", "bin"));
      String path = System.getenv("PATH");
      if (path != null) {
        for (String p : path.split(java.io.File.pathSeparator)) {
          if (!p.isBlank()) {
            dirs.add(Path.of(p));
          }
        }
      }
    }
    List<Tool> tools = new ArrayList<>();
    Set<Path> seen = new LinkedHashSet<>();
    for (Path d : dirs) {
      Path exe = d.resolve(name);
      if (!Files.isExecutable(exe) || !seen.add(realPath(exe))) {
        continue;
      }
      probe(exe).ifPresent(tools::add);
    }
    return tools;
  }

  /** {@code parent/<prefix><number>/<sub>} folders, highest number first. */
  private static List<Path> versionedDirs(Path parent, String prefix, String sub) {
    List<Path> out = new ArrayList<>();
    if (!Files.isDirectory(parent)) {
      return out;
    }
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(parent, prefix + "*")) {
      for (Path p : ds) {
        String v = p.getFileName().toString().substring(prefix.length());
        if (v.matches("\\d+(\\.\\d+)?")) {
          out.add(p.resolve(sub));
        }
      }
    } catch (IOException ignored) {
      // an unreadable folder holds no tools for us
    }
    out.sort(
        Comparator.comparingDouble(
                (Path p) ->
                    Double.parseDouble(
                        p.getParent().getFileName().toString().substring(prefix.length())))
            .reversed());
    return out;
  }

  private static Path realPath(Path p) {
    try {
      return p.toRealPath();
    } catch (IOException e) {
      return p.toAbsolutePath();
    }
  }

  /** Runs {@code exe --version}; empty when it does not answer like a PostgreSQL program. */
  static Optional<Tool> probe(Path exe) {
    try {
      Process p = new ProcessBuilder(exe.toString(), "--version").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return Optional.empty();
      }
      Matcher m = VERSION.matcher(out);
      if (p.exitValue() != 0 || !m.find()) {
        return Optional.empty();
      }
      String line = out.lines().findFirst().orElse(out);
      return Optional.of(new Tool(exe, Integer.parseInt(m.group(1)), line));
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  /**
   * Runs {@code tool} against {@code db} with {@code args} (after the connection flags), waits for
   * it, and turns a non-zero exit into STORE_UNAVAILABLE with the program's own first error line.
   * The password goes through the environment ({@code PGPASSWORD}), never the command line.
   */
  public void run(Tool tool, Database db, List<String> args, Path errLog) {
    PgConnectOptions o = db.connectOptions();
    List<String> cmd = new ArrayList<>();
    cmd.add(tool.path().toString());
    cmd.addAll(
        List.of(
            "--host",
            o.getHost(),
            "--port",
            String.valueOf(o.getPort()),
            "--username",
            o.getUser(),
            "--dbname",
            o.getDatabase(),
            "--no-password"));
    cmd.addAll(args);
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(errLog.toFile());
    Map<String, String> env = pb.environment();
    if (o.getPassword() != null) {
      env.put("PGPASSWORD", o.getPassword());
    }
    if (o.getSslMode() != null) {
      env.put(
          "PGSSLMODE", o.getSslMode().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
    }
    env.put("PGCONNECT_TIMEOUT", "30");
    env.put("PGAPPNAME", "assetgrid-" + tool.path().getFileName());
    String name = tool.path().getFileName().toString();
    int exit;
    try {
      Process p = pb.start();
      try {
        exit = p.waitFor();
      } catch (InterruptedException e) {
        p.destroy();
        Thread.currentThread().interrupt();
        throw new AssetGridException(ErrorCode.INTERNAL_ERROR, name + " was interrupted");
      }
    } catch (IOException e) {
      throw new AssetGridException(
          ErrorCode.INVALID_REQUEST, "cannot run " + tool.path() + ": " + e.getMessage());
    }
    if (exit != 0) {
      throw new AssetGridException(
          ErrorCode.STORE_UNAVAILABLE,
          name + " failed (exit " + exit + "): " + firstError(errLog, name),
          Map.of("tool", tool.version(), "log", errLog.toString()),
          null);
    }
  }

  /** The program's first {@code error:} line without its prefix, or its last line. */
  static String firstError(Path errLog, String name) {
    List<String> lines;
    try {
      lines = Files.readAllLines(errLog, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "no message (" + errLog + " unreadable)";
    }
    for (String l : lines) {
      int i = l.indexOf("error: ");
      if (i >= 0) {
        return l.substring(i + "error: ".length()).trim();
      }
    }
    for (int i = lines.size() - 1; i >= 0; i--) {
      if (!lines.get(i).isBlank()) {
        return lines.get(i).replaceFirst("^" + Pattern.quote(name) + ": ", "").trim();
      }
    }
    return "no message";
  }
}
