package io.github.eksnoderemediator.infra.iam;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One authorization IAM makes: an action on one resource, with the context keys AWS supplies for
 * it. A call on several resources (AttachNetworkInterface: the instance and the interface) is
 * several of these, and every one must be allowed.
 *
 * @param action {@code service:Action}
 * @param resource the resource's ARN, or {@code *} for actions without resource types
 * @param context condition keys and their values
 */
public record IamRequest(String action, String resource, Map<String, List<String>> context) {
  public IamRequest {
    context = Map.copyOf(context);
  }

  public static IamRequest of(String action, String resource) {
    return new IamRequest(action, resource, Map.of());
  }

  /** The same request with one more context key. */
  public IamRequest with(String key, String... values) {
    Map<String, List<String>> more = new LinkedHashMap<>(context);
    more.put(key, List.of(values));
    return new IamRequest(action, resource, more);
  }

  /** The same request on another resource. */
  public IamRequest withResource(String other) {
    return new IamRequest(action, other, context);
  }

  /** The same request with the resource's tags as {@code aws:ResourceTag/<key>}. */
  public IamRequest withResourceTags(Map<String, String> tags) {
    IamRequest r = this;
    for (var e : tags.entrySet()) {
      r = r.with("aws:ResourceTag/" + e.getKey(), e.getValue());
    }
    return r;
  }

  /** An EC2 ARN in the simulated account and Region. */
  public static String ec2Arn(String resource) {
    return "arn:"
        + IamSimulator.PARTITION
        + ":ec2:"
        + IamSimulator.REGION
        + ":"
        + IamSimulator.ACCOUNT
        + ":"
        + resource;
  }

  /** An EKS ARN in the simulated account and Region. */
  public static String eksArn(String resource) {
    return ec2Arn(resource).replace(":ec2:", ":eks:");
  }
}
