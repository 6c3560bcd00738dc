package io.github.eksnoderemediator.infra.release;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.eksnoderemediator.config.ConfigException;
import io.github.eksnoderemediator.infra.AppSettings;
import io.github.eksnoderemediator.infra.EksNodeRemediator;
import io.github.eksnoderemediator.infra.RemediatorApp;
import io.github.eksnoderemediator.json.Json;
import io.github.eksnoderemediator.json.JsonInputException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * {@code ./dev release}: the release bundle, a folder that deploys the single-account stack with
 * the AWS CLI alone (no JDK, Maven, Node.js or CDK bootstrap on the deploying side):
 *
 * <pre>
 * dist/eks-node-remediator-&lt;version&gt;/
 *   remediator.jar   the function jar
 *   template.json    the stack, flat ({@link ReleaseTemplate}); the jar's location as parameters
 *   deploy.sh        uploads the jar to a versioned bucket and deploys the template
 *   README.md        the commands, what the template creates, the IAM it asks for
 *   config.json      the configuration baked into the template
 *   SHA256SUMS       every other file's digest, for sha256sum -c
 * </pre>
 *
 * <p>The same sources, configuration and jar give the same bytes: nothing in the folder holds a
 * time, a path or a random name. A wrong configuration ends it with one line on stderr, exit code
 * 1, and nothing written.
 */
public final class ReleaseBundle {
  static final String JAR = "remediator.jar";
  static final String TEMPLATE = "template.json";
  static final String DEPLOY = "deploy.sh";
  static final String README = "README.md";
  static final String CONFIG = "config.json";
  static final String SUMS = "SHA256SUMS";

  /** Where the jar goes in the user's bucket: content-addressed, as {@code ./dev upload} does. */
  static final String KEY_PREFIX = "eks-node-remediator/";

  /** The two objects a {@code --config} file (or {@code cdk.json}'s context) may hold. */
  static final Set<String> CONFIG_FIELDS =
      new TreeSet<>(Set.of(AppSettings.REMEDIATOR_KEY, AppSettings.DEPLOYMENT_KEY));

  static final String USAGE =
      "usage: ./dev release [--config FILE] [--out DIR] [--jar FILE]  (docs/deploy.md)";

  private ReleaseBundle() {}

  /**
   * What the bundle is built from.
   *
   * @param configuration the {@code remediator} and {@code remediator-deployment} objects, as given
   * @param where how messages name where the configuration came from
   * @param jar the function jar to ship
   * @param version the project version, in the folder name and the jar's key
   */
  record Input(ObjectNode configuration, String where, Path jar, String version) {}

  public static void main(String[] args) {
    Path root = Path.of("").toAbsolutePath();
    try {
      Map<String, String> options = options(args);
      Path out = root.resolve(options.getOrDefault("--out", "dist"));
      Path jar = root.resolve(options.getOrDefault("--jar", "lambda/target/" + JAR));
      ObjectNode configuration;
      String where;
      if (options.containsKey("--config")) {
        Path file = root.resolve(options.get("--config"));
        where = "--config " + options.get("--config");
        configuration = readConfig(file, where);
      } else {
        where = "cdk.json";
        configuration = readConfig(root.resolve("cdk.json"), where);
      }
      Path folder = build(new Input(configuration, where, jar, EksNodeRemediator.VERSION), out);
      System.out.println(root.relativize(folder) + "/");
      try (var files = Files.list(folder)) {
        files.sorted().forEach(f -> System.out.println("  " + f.getFileName()));
      }
      System.out.println(
          "Deploy: cd "
              + root.relativize(folder)
              + " && ./deploy.sh <versioned-bucket> (README.md)");
    } catch (ConfigException e) {
      System.err.println("error: " + e.getMessage());
      System.exit(1);
    } catch (IOException e) {
      System.err.println("error: " + e.getMessage());
      System.exit(1);
    }
  }

  static Map<String, String> options(String[] args) {
    Map<String, String> options = new TreeMap<>();
    for (int i = 0; i < args.length; i++) {
      String name = args[i];
      if (!List.of("--config", "--out", "--jar").contains(name)) {
        if ("--organization".equals(name)) {
          throw ConfigException.of(
              "--organization is not supported yet: deploy organizations with ./dev cdk-org"
                  + " (docs/organization.md)");
        }
        throw ConfigException.of("unknown option " + name + "; " + USAGE);
      }
      if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
        throw ConfigException.of(name + " needs a value; " + USAGE);
      }
      options.put(name, args[++i]);
    }
    return options;
  }

  /**
   * The two configuration objects from a file: {@code cdk.json} (they are in its {@code context})
   * or a file holding just them, as the bundle's own config.json does.
   *
   * @throws ConfigException when the file is missing, not JSON, or holds anything else
   */
  static ObjectNode readConfig(Path file, String where) {
    if (!Files.isRegularFile(file)) {
      throw ConfigException.of(where + ": no such file");
    }
    JsonNode document;
    try {
      document = Json.parse(Files.readAllBytes(file), where);
    } catch (JsonInputException e) {
      throw ConfigException.of(e.getMessage());
    } catch (IOException e) {
      throw ConfigException.of(where + ": cannot be read: " + e.getMessage());
    }
    JsonNode objects = document.has("context") ? document.get("context") : document;
    if (!objects.isObject()) {
      throw ConfigException.of(where + ": must be a JSON object");
    }
    ObjectNode configuration = Json.MAPPER.createObjectNode();
    boolean isCdkJson = document.has("context");
    for (Iterator<String> it = objects.fieldNames(); it.hasNext(); ) {
      String field = it.next();
      if (CONFIG_FIELDS.contains(field)) {
        configuration.set(field, objects.get(field));
      } else if (!isCdkJson) {
        throw ConfigException.of(
            where + ": unknown field \"" + field + "\"; it holds only " + CONFIG_FIELDS);
      }
    }
    if (!configuration.has(AppSettings.REMEDIATOR_KEY)) {
      throw ConfigException.of(where + ": has no \"" + AppSettings.REMEDIATOR_KEY + "\" object");
    }
    return configuration;
  }

  /**
   * Builds the bundle into {@code out/eks-node-remediator-<version>/}, replacing what was there. It
   * is assembled next to it first, so a failure leaves the previous folder as it was.
   *
   * @return the folder
   * @throws ConfigException when the configuration is wrong, the template has cdk-nag findings or
   *     the jar is missing
   */
  static Path build(Input input, Path out) throws IOException {
    AppSettings settings = settings(input);
    if (!Files.isRegularFile(input.jar())) {
      throw ConfigException.of(input.jar() + " not found; build it first with ./dev build");
    }
    ReleaseTemplate template = ReleaseTemplate.synthesize(settings);
    template.requireNoFindings();

    String name = "eks-node-remediator-" + input.version();
    Files.createDirectories(out);
    Path staging = Files.createTempDirectory(out, "." + name + "-");
    try {
      Files.copy(input.jar(), staging.resolve(JAR), StandardCopyOption.COPY_ATTRIBUTES);
      String jarSha256 = sha256(staging.resolve(JAR));
      String key = KEY_PREFIX + input.version() + "/remediator-" + jarSha256 + ".jar";
      write(staging.resolve(TEMPLATE), template.json());
      write(staging.resolve(CONFIG), Json.pretty(input.configuration()) + "\n");
      write(
          staging.resolve(DEPLOY),
          DeployScript.text(input.version(), key, jarSha256, template.capabilities()));
      Files.setPosixFilePermissions(
          staging.resolve(DEPLOY), PosixFilePermissions.fromString("rwxr-xr-x"));
      write(
          staging.resolve(README),
          BundleReadme.text(input.version(), key, template.tree(), template.capabilities()));
      write(staging.resolve(SUMS), sums(staging));
      Path folder = out.resolve(name);
      deleteRecursively(folder);
      Files.move(staging, folder, StandardCopyOption.ATOMIC_MOVE);
      return folder;
    } finally {
      deleteRecursively(staging);
    }
  }

  /** The configuration validated as the CDK app validates it, naming the file in errors. */
  static AppSettings settings(Input input) {
    return AppSettings.from(
        input.configuration().get(AppSettings.REMEDIATOR_KEY),
        input.where() + " \"" + AppSettings.REMEDIATOR_KEY + "\"",
        input.configuration().get(AppSettings.DEPLOYMENT_KEY),
        input.where() + " \"" + AppSettings.DEPLOYMENT_KEY + "\"");
  }

  /** {@code sha256sum} output for every file of the folder, in name order. */
  static String sums(Path folder) throws IOException {
    StringBuilder sums = new StringBuilder();
    List<Path> files = new ArrayList<>();
    try (var list = Files.list(folder)) {
      list.filter(Files::isRegularFile).forEach(files::add);
    }
    files.sort(Comparator.comparing(p -> p.getFileName().toString()));
    for (Path file : files) {
      if (!file.getFileName().toString().equals(SUMS)) {
        sums.append(sha256(file)).append("  ").append(file.getFileName()).append('\n');
      }
    }
    return sums.toString();
  }

  private static void write(Path file, String text) throws IOException {
    Files.writeString(file, text, StandardCharsets.UTF_8);
  }

  static String sha256(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[1 << 16];
      for (int n; (n = in.read(buffer)) > 0; ) {
        digest.update(buffer, 0, n);
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var files = Files.walk(dir)) {
      for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(f);
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  /** The stack name deploy.sh uses unless told otherwise: the CDK app's. */
  static final String STACK_NAME = RemediatorApp.STACK_NAME;
}
