package io.github.eksnoderemediator.infra.iam;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What EC2 might put into the value condition keys of {@code ModifyInstanceMetadataOptions}. AWS
 * does not document it: the Service Authorization Reference lists {@code ec2:MetadataHttp*} on the
 * instance resource of about 50 actions where they can only mean the instance's current settings,
 * and {@code ec2:Attribute/${AttributeName}} ("an attribute being set") on this one, which the EC2
 * User Guide's "Deny opt-out of IMDSv2" example uses. The role must be right under every reading,
 * so the tests evaluate each (docs/iam.md, "Three readings").
 *
 * @param name A, B or C as docs/iam.md names them, with a suffix when the attribute keys are off
 * @param metadataKeys what {@code ec2:MetadataHttpTokens}, {@code
 *     ec2:MetadataHttpPutResponseHopLimit} and {@code ec2:MetadataHttpEndpoint} carry
 * @param attributeKeys whether {@code ec2:Attribute/HttpTokens}, {@code
 *     ec2:Attribute/HttpPutResponseHopLimit} and {@code ec2:Attribute/HttpEndpoint} carry the
 *     request's values
 */
public record MetadataReading(String name, MetadataKeys metadataKeys, boolean attributeKeys) {

  /** The three values {@code ec2:MetadataHttp*} might carry. */
  public enum MetadataKeys {
    REQUEST_VALUES,
    CURRENT_VALUES,
    ABSENT
  }

  /** A: the keys carry the request's values. */
  public static final MetadataReading A =
      new MetadataReading("A (request values)", MetadataKeys.REQUEST_VALUES, true);

  /** B: the keys carry the instance's current settings; the most likely reading. */
  public static final MetadataReading B =
      new MetadataReading("B (current values)", MetadataKeys.CURRENT_VALUES, true);

  /** C: EC2 supplies no value key at all. */
  public static final MetadataReading C =
      new MetadataReading("C (no value keys)", MetadataKeys.ABSENT, false);

  /** A, B and C, and A and B without the attribute keys: every combination. */
  public static List<MetadataReading> all() {
    return List.of(
        A,
        B,
        C,
        new MetadataReading("A without ec2:Attribute/*", MetadataKeys.REQUEST_VALUES, false),
        new MetadataReading("B without ec2:Attribute/*", MetadataKeys.CURRENT_VALUES, false),
        new MetadataReading("attributes only", MetadataKeys.ABSENT, true));
  }

  /** The request parameters of {@code ModifyInstanceMetadataOptions} these keys are named after. */
  public static final List<String> PARAMETERS =
      List.of("HttpTokens", "HttpPutResponseHopLimit", "HttpEndpoint");

  /**
   * The parameters the function never sends; a request that does (a bug, or someone else with the
   * role's credentials) is what the role's denies on them are for. {@code InstanceMetadataTags} has
   * an instance key of its own, {@code ec2:InstanceMetadataTags}, read like the others; {@code
   * HttpProtocolIpv6} has none in the Service Authorization Reference.
   */
  public static final List<String> OTHER_PARAMETERS =
      List.of("InstanceMetadataTags", "HttpProtocolIpv6");

  /**
   * The value keys of one {@code ModifyInstanceMetadataOptions} under this reading.
   *
   * @param requested the request's parameters by name ({@link #PARAMETERS}, {@link
   *     #OTHER_PARAMETERS}); absent ones are not sent
   * @param current the instance's settings before the call, by the same names
   */
  public IamRequest apply(
      IamRequest request, Map<String, String> requested, Map<String, String> current) {
    IamRequest r = request;
    for (String parameter : allParameters()) {
      String value =
          switch (metadataKeys) {
            case REQUEST_VALUES -> requested.get(parameter);
            case CURRENT_VALUES -> current.get(parameter);
            case ABSENT -> null;
          };
      String metadataKey = metadataKey(parameter);
      if (value != null && metadataKey != null) {
        r = r.with(metadataKey, value);
      }
      if (attributeKeys && requested.get(parameter) != null) {
        r = r.with("ec2:Attribute/" + parameter, requested.get(parameter));
      }
    }
    return r;
  }

  /** The instance condition key named after a parameter, or null when the reference lists none. */
  private static String metadataKey(String parameter) {
    return switch (parameter) {
      case "InstanceMetadataTags" -> "ec2:InstanceMetadataTags";
      case "HttpProtocolIpv6" -> null;
      default -> "ec2:Metadata" + parameter;
    };
  }

  private static List<String> allParameters() {
    List<String> all = new ArrayList<>(PARAMETERS);
    all.addAll(OTHER_PARAMETERS);
    return all;
  }

  /** Every key name this reading may set, for tests that list what was supplied. */
  public static List<String> keys() {
    List<String> keys = new ArrayList<>();
    for (String p : allParameters()) {
      if (metadataKey(p) != null) {
        keys.add(metadataKey(p));
      }
      keys.add("ec2:Attribute/" + p);
    }
    return keys;
  }

  @Override
  public String toString() {
    return name;
  }
}
