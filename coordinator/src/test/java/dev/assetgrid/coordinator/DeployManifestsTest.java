package dev.assetgrid.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.assetgrid.node.NodeMain;
import dev.assetgrid.node.processing.gltf.TestCorpus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import picocli.CommandLine;

/**
 * {@code deploy/}: the Kubernetes manifests against the Kubernetes schemas ({@code
 * deploy/k8s/validate.mjs}), every flag and {@code ASSETGRID_*} variable the manifests and {@code
 * compose.yaml} give a process one that process reads, and {@code docker compose config} where the
 * compose plugin exists.
 */
class DeployManifestsTest {
  static final Path DEPLOY = Path.of("..", "deploy").toAbsolutePath().normalize();
  static final Pattern ENV = Pattern.compile("\\$\\{env:(ASSETGRID_[A-Z0-9_]+)");

  /** A process's flags and the variables they read, from its picocli command. */
  record Cli(Set<String> flags, Set<String> env) {
    /** From the {@code @Option} fields of {@code command} and of its mixins (as declared). */
    static Cli of(Class<?> command) {
      Set<String> flags = new TreeSet<>();
      Set<String> env = new TreeSet<>();
      collect(command, flags, env);
      return new Cli(flags, env);
    }

    private static void collect(Class<?> type, Set<String> flags, Set<String> env) {
      for (java.lang.reflect.Field f : type.getDeclaredFields()) {
        CommandLine.Option o = f.getAnnotation(CommandLine.Option.class);
        if (o != null) {
          flags.addAll(List.of(o.names()));
          Matcher m = ENV.matcher(o.defaultValue());
          while (m.find()) {
            env.add(m.group(1));
          }
        }
        if (f.getAnnotation(CommandLine.Mixin.class) != null
            || f.getAnnotation(CommandLine.ArgGroup.class) != null) {
          collect(f.getType(), flags, env);
        }
      }
    }

    void check(String where, List<String> args, Map<String, ?> variables) {
      for (String a : args) {
        if (a.startsWith("--")) {
          assertThat(flags).as("%s: flag %s", where, a).contains(a.split("=", 2)[0]);
        }
      }
      for (String v : variables.keySet()) {
        if (v.startsWith("ASSETGRID_")) {
          assertThat(env).as("%s: variable %s", where, v).contains(v);
        }
      }
    }
  }

  static final Cli COORDINATOR = Cli.of(CoordinatorMain.class);
  static final Cli NODE = Cli.of(NodeMain.class);

  static List<Object> documents(Path file) throws Exception {
    List<Object> out = new ArrayList<>();
    new Yaml(new LoaderOptions()).loadAll(Files.readString(file)).forEach(out::add);
    return out;
  }

  @SuppressWarnings("unchecked")
  static <T> T at(Object o, String... path) {
    Object x = o;
    for (String p : path) {
      x = x == null ? null : ((Map<String, Object>) x).get(p);
    }
    return (T) x;
  }

  @Test
  @SuppressWarnings("unchecked")
  void composeGivesEachProcessOnlyWhatItReads() throws Exception {
    Object compose = documents(DEPLOY.resolve("compose.yaml")).get(0);
    Map<String, Object> services = at(compose, "services");
    assertThat(services).containsKeys("postgres", "minio", "bucket", "coordinator", "node");
    COORDINATOR.check(
        "compose coordinator", List.of(), at(services.get("coordinator"), "environment"));
    NODE.check("compose node", List.of(), at(services.get("node"), "environment"));
    Map<String, Object> env = at(services.get("coordinator"), "environment");
    assertThat(env)
        .containsKeys("ASSETGRID_S3_BUCKET", "ASSETGRID_S3_ENDPOINT", "ASSETGRID_DB_URL");
    composeConfigWhereThereIsCompose();
  }

  @Test
  @SuppressWarnings("unchecked")
  void theKubernetesPodsGetOnlyFlagsAndVariablesTheirProcessesRead() throws Exception {
    int containers = 0;
    for (Object doc : documents(DEPLOY.resolve("k8s/assetgrid.yaml"))) {
      List<Map<String, Object>> cs = at(doc, "spec", "template", "spec", "containers");
      if (cs == null) {
        continue;
      }
      for (Map<String, Object> c : cs) {
        Cli cli = "coordinator".equals(c.get("name")) ? COORDINATOR : NODE;
        Map<String, Object> vars = new java.util.HashMap<>();
        for (Map<String, Object> e : (List<Map<String, Object>>) c.get("env")) {
          vars.put((String) e.get("name"), e);
        }
        cli.check("k8s " + c.get("name"), (List<String>) c.get("args"), vars);
        containers++;
      }
    }
    assertThat(containers).isEqualTo(2);
  }

  @Test
  void theKubernetesManifestsMatchTheKubernetesSchemas() throws Exception {
    String given = System.getenv("ASSETGRID_NPM_TOOLS");
    Path modules =
        given != null
            ? Path.of(given)
            : Path.of("..", ".tools", "node_modules").toAbsolutePath().normalize();
    TestCorpus.need(
        Files.isDirectory(modules.resolve("kubernetes-models"))
            && Files.isDirectory(modules.resolve("yaml")),
        "the manifest check needs the npm packages kubernetes-models and yaml under " + modules);
    Process p =
        new ProcessBuilder(
                "node",
                DEPLOY.resolve("k8s/validate.mjs").toString(),
                modules.toString(),
                DEPLOY.resolve("k8s/assetgrid.yaml").toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out).contains("7 object(s) valid, 0 problem(s)");
  }

  /**
   * {@code docker compose config} where the compose plugin exists (not on the machines this was
   * written on: the check above is what runs there).
   */
  static void composeConfigWhereThereIsCompose() throws Exception {
    try {
      Process v =
          new ProcessBuilder("docker", "compose", "version").redirectErrorStream(true).start();
      v.getInputStream().readAllBytes();
      if (!v.waitFor(30, TimeUnit.SECONDS) || v.exitValue() != 0) {
        System.out.println("DeployManifestsTest: no docker compose plugin; compose config not run");
        return;
      }
    } catch (java.io.IOException e) {
      System.out.println("DeployManifestsTest: no docker client; compose config not run");
      return;
    }
    ProcessBuilder pb =
        new ProcessBuilder(
                "docker",
                "compose",
                "-f",
                DEPLOY.resolve("compose.yaml").toString(),
                "config",
                "-q")
            .redirectErrorStream(true);
    pb.environment().put("ASSETGRID_CLUSTER_SECRET", "x".repeat(43));
    pb.environment().put("MINIO_ROOT_PASSWORD", "test-password");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
  }

  /** The local-cluster script refuses a taken port at once, naming it, before starting anything. */
  @Test
  void localClusterFailsFastOnATakenPort() throws Exception {
    try (java.net.ServerSocket held =
        new java.net.ServerSocket(0, 5, java.net.InetAddress.getLoopbackAddress())) {
      ProcessBuilder pb =
          new ProcessBuilder("bash", DEPLOY.resolve("local-cluster.sh").toString(), "1")
              .redirectErrorStream(true);
      pb.environment().put("ASSETGRID_PORT", String.valueOf(held.getLocalPort()));
      Process p = pb.start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).as(out).isEqualTo(2);
      assertThat(out).contains("port " + held.getLocalPort() + " is taken");
    }
  }
}
