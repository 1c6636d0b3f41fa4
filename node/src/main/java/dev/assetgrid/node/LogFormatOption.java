package dev.assetgrid.node;

import dev.assetgrid.shared.log.LogFormat;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * {@code --log-format}, the same on the coordinator and the node (a picocli mixin): how the process
 * writes its log lines ({@link LogFormat}).
 */
public final class LogFormatOption {
  @Option(
      names = "--log-format",
      paramLabel = "FORMAT",
      description =
          "text, json (one JSON object per line on standard error, with the request, tenant, job,"
              + " task and node ids) or auto (the default: text on a terminal, else json). Env:"
              + " ASSETGRID_LOG_FORMAT.",
      defaultValue = "${env:ASSETGRID_LOG_FORMAT:-auto}")
  String format;

  /** Writes this process's following lines in the chosen format; a bad value is a usage error. */
  public void apply(CommandLine.Model.CommandSpec spec) {
    try {
      LogFormat.parse(format).apply();
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
  }
}
