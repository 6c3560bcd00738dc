package io.github.eksnoderemediator.infra.org;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.eksnoderemediator.config.ConfigException;
import io.github.eksnoderemediator.infra.EksNodeRemediator;
import io.github.eksnoderemediator.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * {@code ./dev upload}: puts the function jar into every Region's artifact bucket under a
 * content-addressed key ({@code eks-node-remediator/<version>/remediator-<sha256>.jar}) and prints
 * the {@code functionJar} object for {@code cdk.json}'s {@code remediator-organization}: the key
 * and each bucket's object version. Uploading the same jar again writes nothing and prints the same
 * versions. Reads the Regions and the bucket prefix from {@code cdk.json}; credentials and the
 * endpoint come from the usual AWS SDK sources (profile, environment, {@code AWS_ENDPOINT_URL}).
 */
public final class ArtifactUpload {
  static final String JAR = "lambda/target/remediator.jar";
  static final String SHA256_METADATA = "sha256";

  private final Function<String, S3Client> clients;

  /**
   * @param clients an S3 client for a Region
   */
  ArtifactUpload(Function<String, S3Client> clients) {
    this.clients = clients;
  }

  /** What one upload produced. */
  record Result(String key, Map<String, String> versions, Map<String, Boolean> written) {
    /** The {@code functionJar} object to put into {@code remediator-organization}. */
    String functionJarJson() {
      ObjectNode jar = Json.MAPPER.createObjectNode();
      jar.put("key", key);
      ObjectNode byRegion = jar.putObject("versions");
      versions.forEach(byRegion::put);
      return Json.pretty(Map.of("functionJar", jar));
    }
  }

  public static void main(String[] args) {
    Path root = Path.of("").toAbsolutePath();
    try {
      OrganizationSettings organization = settings(root.resolve("cdk.json"));
      Path jar = root.resolve(JAR);
      if (!Files.isRegularFile(jar)) {
        throw ConfigException.of(JAR + " not found; build it first with ./dev build");
      }
      Optional<URI> endpoint =
          Optional.ofNullable(System.getenv("AWS_ENDPOINT_URL")).map(URI::create);
      Result result =
          new ArtifactUpload(region -> client(region, endpoint))
              .upload(organization, jar, EksNodeRemediator.VERSION);
      result
          .versions()
          .forEach(
              (region, versionId) ->
                  System.out.printf(
                      "%s s3://%s/%s version %s (%s)%n",
                      region,
                      organization.bucketName(region),
                      result.key(),
                      versionId,
                      result.written().get(region) ? "uploaded" : "already there"));
      System.out.println();
      System.out.println(
          "Put this into cdk.json's \""
              + OrganizationSettings.KEY
              + "\" object, then run"
              + " ./dev cdk-org deploy "
              + OrganizationApp.STACK_SETS_STACK
              + ":");
      System.out.println(result.functionJarJson());
    } catch (ConfigException | UploadException e) {
      System.err.println("error: " + e.getMessage());
      System.exit(1);
    } catch (SdkException e) {
      // Credentials, network or S3 refusing (AccessDenied...): S3's own words, on one line.
      System.err.println("error: S3: " + e.getMessage().replaceAll("\\s+", " "));
      System.exit(1);
    }
  }

  /**
   * Uploads {@code jar} to every Region's bucket unless the key is already there with the same
   * digest.
   *
   * @throws UploadException when a bucket is missing or not versioned, naming the Region
   */
  Result upload(OrganizationSettings organization, Path jar, String projectVersion) {
    String sha256 = sha256(jar);
    String key =
        OrganizationSettings.JAR_KEY_PREFIX + projectVersion + "/remediator-" + sha256 + ".jar";
    Map<String, String> versions = new LinkedHashMap<>();
    Map<String, Boolean> written = new LinkedHashMap<>();
    for (String region : organization.regions()) {
      String bucket = organization.bucketName(region);
      S3Client s3 = clients.apply(region);
      requireVersioning(s3, bucket, region);
      Optional<HeadObjectResponse> existing = head(s3, bucket, key);
      if (existing.isPresent()
          && sha256.equals(existing.get().metadata().get(SHA256_METADATA))
          && existing.get().versionId() != null) {
        versions.put(region, existing.get().versionId());
        written.put(region, false);
        continue;
      }
      String versionId =
          s3.putObject(
                  r -> r.bucket(bucket).key(key).metadata(Map.of(SHA256_METADATA, sha256)),
                  RequestBody.fromFile(jar))
              .versionId();
      if (versionId == null) {
        throw new UploadException(
            "s3://" + bucket + " in " + region + " returned no version id; is versioning on?");
      }
      versions.put(region, versionId);
      written.put(region, true);
    }
    return new Result(key, versions, written);
  }

  private static void requireVersioning(S3Client s3, String bucket, String region) {
    BucketVersioningStatus status;
    try {
      status = s3.getBucketVersioning(r -> r.bucket(bucket)).status();
    } catch (S3Exception e) {
      if ("NoSuchBucket".equals(errorCode(e))) {
        throw new UploadException(
            "bucket "
                + bucket
                + " not found in "
                + region
                + "; deploy it first: ./dev cdk-org deploy "
                + OrganizationApp.ARTIFACTS_STACK_PREFIX
                + region);
      }
      throw e;
    }
    if (status != BucketVersioningStatus.ENABLED) {
      throw new UploadException(
          "bucket "
              + bucket
              + " in "
              + region
              + " is not versioned; members pin the jar by object version, so deploy "
              + OrganizationApp.ARTIFACTS_STACK_PREFIX
              + region
              + " (it turns versioning on)");
    }
  }

  private static Optional<HeadObjectResponse> head(S3Client s3, String bucket, String key) {
    try {
      return Optional.of(s3.headObject(r -> r.bucket(bucket).key(key)));
    } catch (S3Exception e) {
      // HEAD has no body, so S3 says only 404; the bucket itself was checked just before.
      if (e.statusCode() == 404) {
        return Optional.empty();
      }
      throw e;
    }
  }

  private static String errorCode(S3Exception e) {
    return e.awsErrorDetails() == null ? "" : e.awsErrorDetails().errorCode();
  }

  /** {@code remediator-organization} from cdk.json; its functionJar is what is being replaced. */
  static OrganizationSettings settings(Path cdkJson) {
    ObjectNode withoutJar =
        OrganizationSettings.fromCdkJson(
                cdkJson, "./dev upload", "regions and artifactBucketPrefix")
            .deepCopy();
    withoutJar.remove("functionJar");
    return OrganizationSettings.parse(Json.compact(withoutJar));
  }

  static S3Client client(String region, Optional<URI> endpoint) {
    var builder =
        S3Client.builder()
            .region(Region.of(region))
            .httpClientBuilder(UrlConnectionHttpClient.builder());
    endpoint.ifPresent(e -> builder.endpointOverride(e).forcePathStyle(true));
    return builder.build();
  }

  static String sha256(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[1 << 16];
      for (int n; (n = in.read(buffer)) > 0; ) {
        digest.update(buffer, 0, n);
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A bucket that cannot take the jar; the message says what to do. */
  static final class UploadException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UploadException(String message) {
      super(message);
    }
  }
}
