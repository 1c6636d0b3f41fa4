package dev.assetgrid.client.config;

import dev.assetgrid.client.ClientException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The client's config file: {@code key=value} lines ({@code url=}, {@code key=}, {@code
 * tls-trust=}), blank lines and {@code #} comments. It holds an API key, so a file that group or
 * others may read is refused before it is read, with the command that fixes it: a key readable by
 * other accounts is a key others hold.
 */
public final class ConfigFile {
  /** The members a config file may set. */
  public static final List<String> MEMBERS = List.of("url", "key", "tls-trust");

  private static final Set<PosixFilePermission> GROUP_OR_OTHERS =
      EnumSet.of(
          PosixFilePermission.GROUP_READ,
          PosixFilePermission.GROUP_WRITE,
          PosixFilePermission.GROUP_EXECUTE,
          PosixFilePermission.OTHERS_READ,
          PosixFilePermission.OTHERS_WRITE,
          PosixFilePermission.OTHERS_EXECUTE);

  private ConfigFile() {}

  /** The members of {@code file}; refuses one that group or others can access. */
  public static Map<String, String> read(Path file) {
    refuseShared(file);
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw ClientException.usage("the config file " + file + " cannot be read");
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int eq = line.indexOf('=');
      String name = eq < 0 ? line : line.substring(0, eq).strip();
      if (eq < 0 || !MEMBERS.contains(name)) {
        throw ClientException.usage(
            "line "
                + (i + 1)
                + " of the config file "
                + file
                + " is not one of "
                + String.join("=, ", MEMBERS)
                + "=");
      }
      out.put(name, line.substring(eq + 1).strip());
    }
    return out;
  }

  private static void refuseShared(Path file) {
    Set<PosixFilePermission> perms;
    try {
      perms = Files.getPosixFilePermissions(file);
    } catch (UnsupportedOperationException e) {
      return; // not a POSIX file system: its ACLs are the owner's business
    } catch (IOException e) {
      throw ClientException.usage("the config file " + file + " cannot be read");
    }
    if (perms.stream().anyMatch(GROUP_OR_OTHERS::contains)) {
      throw ClientException.usage(
          "the config file "
              + file
              + " holds an API key but other users may read it; run: chmod 600 "
              + file);
    }
  }
}
