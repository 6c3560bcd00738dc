package io.github.eksnoderemediator.report;

import io.github.eksnoderemediator.port.MetadataOptions;

/** Metadata options as the report and logs show them, in EC2's own words. */
public record OptionsView(
    String httpTokens, int httpPutResponseHopLimit, String httpEndpoint, String state) {

  public static OptionsView of(MetadataOptions o) {
    return o == null
        ? null
        : new OptionsView(
            o.httpTokens().ec2Name(),
            o.hopLimit(),
            o.httpEndpoint().ec2Name(),
            o.state().toString());
  }
}
