package dev.assetgrid.client;

import dev.assetgrid.client.commands.AssetCommands;
import dev.assetgrid.client.commands.EventsCommand;
import dev.assetgrid.client.commands.JobCommands;
import dev.assetgrid.client.commands.KeysCommand;
import dev.assetgrid.client.commands.NodesCommand;
import dev.assetgrid.client.commands.WebhooksCommand;
import dev.assetgrid.client.config.ConfigLookup;
import dev.assetgrid.client.http.Api;
import dev.assetgrid.client.imports.ImportCommand;
import dev.assetgrid.client.imports.ImportsCommand;
import dev.assetgrid.client.submit.SubmitCommand;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * {@code assetgrid}: the root command, its options shared by every subcommand ({@code --url},
 * {@code --key}, {@code --config}, {@code --tls-trust}, {@code --debug}), and the one place where
 * failures become a sentence and an exit code ({@link ExitCode}).
 */
@Command(
    name = "assetgrid",
    mixinStandardHelpOptions = true,
    versionProvider = AssetgridCli.Version.class,
    description = "The assetgrid client: submit 3D assets to a grid, follow and manage its jobs.",
    subcommands = {
      SubmitCommand.class,
      ImportCommand.class,
      ImportsCommand.class,
      JobCommands.ListJobs.class,
      JobCommands.ShowJob.class,
      JobCommands.Cancel.class,
      JobCommands.Retry.class,
      AssetCommands.ListAssets.class,
      AssetCommands.ShowAsset.class,
      AssetCommands.Get.class,
      NodesCommand.class,
      KeysCommand.class,
      WebhooksCommand.class,
      EventsCommand.class
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:everything asked for was done",
      "1:a job or an item failed",
      "2:usage or configuration error, or a request the server refused (4xx: bad key, unknown id)",
      "3:the server could not be reached, broke the connection or failed (5xx)"
    })
public final class AssetgridCli {
  @Option(
      names = "--url",
      paramLabel = "URL",
      description =
          "the coordinator (else $ASSETGRID_URL, url= in the config file, http://localhost:8080)")
  String url;

  @Option(
      names = "--key",
      scope = ScopeType.INHERIT,
      paramLabel = "KEY",
      description = "the API key (else $ASSETGRID_KEY, key= in the config file)")
  String key;

  @Option(
      names = "--config",
      scope = ScopeType.INHERIT,
      paramLabel = "FILE",
      description =
          "config file of url=, key=, tls-trust= lines, mode 600 (default $XDG_CONFIG_HOME/assetgrid/config or ~/.config/assetgrid/config)")
  Path config;

  @Option(
      names = "--tls-trust",
      scope = ScopeType.INHERIT,
      paramLabel = "PEM",
      description =
          "trust the certificates of this PEM file for https (a self-signed coordinator's cert.pem)")
  Path tlsTrust;

  @Option(
      names = "--debug",
      scope = ScopeType.INHERIT,
      description = "print the Java stack trace of a failure")
  boolean debug;

  private final ClientEnvironment environment;
  private Api api;

  AssetgridCli(ClientEnvironment environment) {
    this.environment = environment;
  }

  /** The command line of a client in {@code environment}, its failures mapped to exit codes. */
  public static CommandLine commandLine(ClientEnvironment environment) {
    AssetgridCli root = new AssetgridCli(environment);
    CommandLine cl = new CommandLine(root);
    shareUrl(cl, cl.getCommandSpec().findOption("--url"));
    cl.setExecutionExceptionHandler(
        (e, line, parsed) -> {
          PrintWriter err = line.getErr();
          if (root.debug) {
            e.printStackTrace(err);
          }
          if (e instanceof ClientException c) {
            err.println("assetgrid: " + c.getMessage());
            err.flush();
            return c.exitCode();
          }
          err.println(
              "assetgrid: an unexpected failure stopped the command (run it with --debug to see where)");
          err.flush();
          return ExitCode.UNAVAILABLE;
        });
    return cl;
  }

  /**
   * Gives every subcommand the root's {@code --url} (bound to the same field), except those with a
   * {@code --url} of their own ({@code webhooks create|update}, where it is the webhook's URL:
   * there the coordinator's comes before the subcommand, {@code assetgrid --url X webhooks create
   * ...}, or from the environment or the config file). picocli's inherited scope would refuse the
   * clash, so the sharing is done here.
   */
  private static void shareUrl(CommandLine cl, OptionSpec url) {
    for (CommandLine sub : cl.getSubcommands().values()) {
      if (sub.getCommandSpec().findOption("--url") == null) {
        sub.getCommandSpec().addOption(OptionSpec.builder(url).build());
      }
      shareUrl(sub, url);
    }
  }

  public static void main(String[] args) {
    System.exit(commandLine(ClientEnvironment.system()).execute(args));
  }

  public ClientEnvironment environment() {
    return environment;
  }

  /** The API client for the settings found (flag, environment, config file, default). */
  public Api api() {
    if (api == null) {
      api =
          new Api(
              new ConfigLookup(environment.env(), environment.home())
                  .resolve(new ConfigLookup.Flags(url, key, config, tlsTrust)));
    }
    return api;
  }

  /** {@code --version}: the jar's version. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = AssetgridCli.class.getPackage().getImplementationVersion();
      return new String[] {"assetgrid " + (v == null ? "(development build)" : v)};
    }
  }
}
