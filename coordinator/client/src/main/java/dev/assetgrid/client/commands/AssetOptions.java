package dev.assetgrid.client.commands;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * {@code --pipeline} and {@code --tags} of the commands that make assets ({@code submit}, {@code
 * import}): what every new asset gets. Null and empty leave the server's defaults.
 */
public final class AssetOptions {
  @Option(
      names = "--pipeline",
      description = "the pipeline: a comma list (validate,optimize-mesh,thumbnail) or JSON")
  public String pipeline;

  @Option(names = "--tags", split = ",", description = "tags for every asset: a,b")
  public List<String> tags = new ArrayList<>();
}
