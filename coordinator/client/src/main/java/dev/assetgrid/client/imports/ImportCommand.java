package dev.assetgrid.client.imports;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.assetgrid.client.ApiCommand;
import dev.assetgrid.client.ClientException;
import dev.assetgrid.client.ExitCode;
import dev.assetgrid.client.commands.AssetOptions;
import dev.assetgrid.client.commands.OutputOption;
import dev.assetgrid.client.http.Json;
import dev.assetgrid.client.progress.ImportView;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code import s3://BUCKET/PREFIX | --dir PATH | --urls FILE [--wait]}: asks the coordinator for a
 * batch import ({@code POST /v1/imports}) and, with {@code --wait}, follows it and its jobs to the
 * end ({@link ImportFollower}), then names every failed item and job with its code and message.
 *
 * <p>S3 secrets never come from the command line (where {@code ps} and shell history show them):
 * from a file ({@code --secret-access-key-file}) or from the environment ({@code
 * --use-env-credentials}).
 */
@Command(
    name = "import",
    description =
        "Import many models at once from an S3 prefix, a folder of the coordinator's machine or a"
            + " list of URLs (the coordinator fetches them).")
public final class ImportCommand extends ApiCommand {
  @Parameters(
      arity = "0..1",
      paramLabel = "s3://BUCKET/PREFIX",
      description = "a prefix of a bucket (or give --dir or --urls)")
  String s3;

  @Option(
      names = "--dir",
      paramLabel = "PATH",
      description = "an absolute folder of the coordinator's machine, under its --import-root")
  String dir;

  @Option(
      names = "--urls",
      paramLabel = "FILE",
      description = "a file of URLs, one per line (# comments); one asset per URL")
  Path urls;

  @Option(names = "--endpoint", description = "S3: the server's URL (MinIO, R2, Ceph ...)")
  String endpoint;

  @Option(names = "--region", description = "S3: the bucket's region")
  String region;

  @Option(names = "--path-style", description = "S3: path-style addressing (most non-AWS servers)")
  boolean pathStyle;

  @Option(
      names = "--access-key-id",
      paramLabel = "ID",
      description = "S3: the access key id (with --secret-access-key-file)")
  String accessKeyId;

  @Option(
      names = "--secret-access-key-file",
      paramLabel = "FILE",
      description = "S3: a file holding the secret access key")
  Path secretFile;

  @Option(
      names = "--session-token-file",
      paramLabel = "FILE",
      description = "S3: a file holding a session token (temporary credentials)")
  Path sessionTokenFile;

  @Option(
      names = "--use-env-credentials",
      description =
          "S3: send AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN) of this"
              + " environment")
  boolean envCredentials;

  @Mixin AssetOptions asset;

  @Option(names = "--reprocess", description = "run a new job on assets whose bytes are stored")
  boolean reprocess;

  @Option(
      names = "--wait",
      description = "follow the import and its jobs to the end; exit 1 if an item or a job failed")
  boolean await;

  @Mixin OutputOption output;

  @Override
  public Integer call() {
    ObjectNode body = source();
    if (asset.pipeline != null) {
      body.put("pipeline", asset.pipeline);
    }
    if (!asset.tags.isEmpty()) {
      ArrayNode t = body.putArray("tags");
      asset.tags.stream().map(String::strip).filter(s -> !s.isEmpty()).forEach(t::add);
    }
    if (reprocess) {
      body.put("reprocess", true);
    }
    JsonNode started = api().post(ImportsCommand.PATH, body);
    String id = Json.text(started, "id");
    if (!await) {
      if (output.json()) {
        out().println(Json.pretty(started));
      } else {
        say("import " + id + "  " + Json.text(started, "state"));
      }
      return ExitCode.OK;
    }
    ImportFollower.Result r;
    try (ImportView view =
        ImportView.open(out(), root().environment().interactive(), output.json(), id)) {
      r = new ImportFollower(api(), id).follow(view);
    }
    if (output.json()) {
      out().println(Json.pretty(r.view())); // the failures: imports items ID --state failed
    } else {
      report(r);
    }
    return r.allSucceeded() ? ExitCode.OK : ExitCode.FAILED;
  }

  /** The request's source member, from the argument and the flags (exactly one source). */
  private ObjectNode source() {
    int given = (s3 != null ? 1 : 0) + (dir != null ? 1 : 0) + (urls != null ? 1 : 0);
    if (given != 1) {
      throw ClientException.usage("give exactly one source: s3://BUCKET/PREFIX, --dir or --urls");
    }
    boolean s3Flags =
        endpoint != null
            || region != null
            || pathStyle
            || accessKeyId != null
            || secretFile != null
            || sessionTokenFile != null
            || envCredentials;
    if (s3 == null && s3Flags) {
      throw ClientException.usage(
          "--endpoint, --region, --path-style and the credential flags are for s3:// sources");
    }
    ObjectNode body = Json.object();
    if (dir != null) {
      if (!dir.startsWith("/")) {
        throw ClientException.usage(
            "--dir is a folder of the coordinator's machine: give its absolute path");
      }
      body.put("directory", dir);
    } else if (urls != null) {
      ArrayNode a = body.putArray("urls");
      readUrls(urls).forEach(a::add);
    } else {
      body.set("s3", s3());
    }
    return body;
  }

  private ObjectNode s3() {
    if (!s3.startsWith("s3://") || s3.length() == "s3://".length()) {
      throw ClientException.usage("the source is s3://BUCKET/PREFIX, not " + s3);
    }
    String rest = s3.substring("s3://".length());
    int slash = rest.indexOf('/');
    ObjectNode o = Json.object();
    o.put("bucket", slash < 0 ? rest : rest.substring(0, slash));
    o.put("prefix", slash < 0 ? "" : rest.substring(slash + 1));
    if (endpoint != null) {
      o.put("endpoint", endpoint);
    }
    if (region != null) {
      o.put("region", region);
    }
    if (pathStyle) {
      o.put("pathStyle", true);
    }
    ObjectNode creds = credentials();
    if (creds != null) {
      o.set("credentials", creds);
    }
    return o;
  }

  /** The S3 credentials asked for, or null: the coordinator then uses its own. */
  private ObjectNode credentials() {
    if (envCredentials && (accessKeyId != null || secretFile != null)) {
      throw ClientException.usage(
          "give either --use-env-credentials or --access-key-id with --secret-access-key-file");
    }
    String id;
    String secret;
    String token = sessionTokenFile == null ? null : readSecret(sessionTokenFile);
    if (envCredentials) {
      Map<String, String> env = root().environment().env();
      id = env.get("AWS_ACCESS_KEY_ID");
      secret = env.get("AWS_SECRET_ACCESS_KEY");
      if (id == null || id.isBlank() || secret == null || secret.isBlank()) {
        throw ClientException.usage(
            "--use-env-credentials needs AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY to be set");
      }
      if (token == null) {
        token = env.get("AWS_SESSION_TOKEN");
      }
    } else if (accessKeyId != null || secretFile != null) {
      if (accessKeyId == null || secretFile == null) {
        throw ClientException.usage(
            "--access-key-id and --secret-access-key-file go together (the secret is never a flag)");
      }
      id = accessKeyId;
      secret = readSecret(secretFile);
    } else if (token != null) {
      throw ClientException.usage("--session-token-file goes with credentials to use it with");
    } else {
      return null;
    }
    ObjectNode c = Json.object().put("accessKeyId", id).put("secretAccessKey", secret);
    if (token != null && !token.isBlank()) {
      c.put("sessionToken", token);
    }
    return c;
  }

  private static String readSecret(Path file) {
    String s = read(file).strip();
    if (s.isEmpty()) {
      throw ClientException.usage(file + " is empty");
    }
    return s;
  }

  /** The URLs of a file: one a line, blank lines and {@code #} comments left out. */
  static List<String> readUrls(Path file) {
    List<String> out = new ArrayList<>();
    for (String line : read(file).split("\n")) {
      String u = line.strip();
      if (!u.isEmpty() && !u.startsWith("#")) {
        out.add(u);
      }
    }
    if (out.isEmpty()) {
      throw ClientException.usage(file + " holds no URL");
    }
    return out;
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw ClientException.usage("cannot read " + file);
    }
  }

  /** The import's last line and every failure with its code and message. */
  private void report(ImportFollower.Result r) {
    List<ImportFollower.Failure> failures = r.failures();
    if (!failures.isEmpty()) {
      out().println();
      out().println(failures.size() + " failed:");
      for (ImportFollower.Failure f : failures) {
        out()
            .println(
                "  " + f.name() + ": " + (f.code() == null ? "" : f.code() + " ") + f.message());
      }
    }
    out().flush();
  }
}
