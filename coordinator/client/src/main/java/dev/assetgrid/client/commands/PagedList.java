package dev.assetgrid.client.commands;

import dev.assetgrid.client.ApiCommand;
import dev.assetgrid.client.ExitCode;
import dev.assetgrid.client.http.Query;
import java.util.List;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * A listing over a keyset-paged endpoint: {@code --limit} (pages followed up to it) and {@code
 * --output}; the subclass says which path, filters and columns.
 */
abstract class PagedList extends ApiCommand {
  @Option(names = "--limit", defaultValue = "50", description = "at most this many (default 50)")
  int limit;

  @Mixin OutputOption output;

  /** Prints the listing of {@code path} with {@code filters}. */
  protected Integer list(String path, Query filters, List<Table.Column> columns) {
    output.list(out(), Pages.collect(api(), path, filters, limit), columns);
    return ExitCode.OK;
  }
}
