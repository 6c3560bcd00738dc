package io.github.eksnoderemediator.aws;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.github.eksnoderemediator.port.MetadataDefaults;
import io.github.eksnoderemediator.testing.Ec2Fixtures;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * GetInstanceMetadataDefaults over the wire. moto does not implement the call, so a small server
 * answers with the EC2 query protocol's response document as the EC2 API Reference shows it ({@code
 * accountLevel} with {@code httpTokensEnforced} and {@code managedBy}), and the real SDK client
 * parses it.
 */
class SdkEc2GatewayMetadataDefaultsTest {
  private final List<String> actions = new ArrayList<>();
  private HttpServer server;

  private SdkEc2Gateway gatewayAnswering(String accountLevel) throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        exchange -> {
          String body =
              new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          actions.add(body.replaceAll(".*Action=([A-Za-z]+).*", "$1"));
          byte[] xml =
              ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
                      + "<GetInstanceMetadataDefaultsResponse"
                      + " xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">"
                      + "<requestId>59dbff89-35bd-4eac-99ed-be587EXAMPLE</requestId>"
                      + accountLevel
                      + "</GetInstanceMetadataDefaultsResponse>")
                  .getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "text/xml;charset=UTF-8");
          exchange.sendResponseHeaders(200, xml.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(xml);
          }
        });
    server.start();
    return new SdkEc2Gateway(
        Ec2Fixtures.client(URI.create("http://127.0.0.1:" + server.getAddress().getPort())));
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  @Test
  void accountMetadataDefaults_readsEnforcementAndWhoManagesThem() throws Exception {
    SdkEc2Gateway ec2 =
        gatewayAnswering(
            "<accountLevel><httpTokens>required</httpTokens>"
                + "<httpPutResponseHopLimit>2</httpPutResponseHopLimit>"
                + "<httpEndpoint>enabled</httpEndpoint>"
                + "<instanceMetadataTags>disabled</instanceMetadataTags>"
                + "<managedBy>declarative-policy</managedBy>"
                + "<httpTokensEnforced>enabled</httpTokensEnforced></accountLevel>");

    MetadataDefaults d = ec2.accountMetadataDefaults();

    assertThat(actions).containsExactly("GetInstanceMetadataDefaults");
    assertThat(d.options().httpTokens()).hasValue("required");
    assertThat(d.options().hopLimit()).hasValue(2);
    assertThat(d.httpTokensEnforced()).hasValue("enabled");
    assertThat(d.managedBy()).hasValue("declarative-policy");
    assertThat(d.enforced()).isTrue();
    assertThat(d.managedByDeclarativePolicy()).isTrue();
  }

  @Test
  void accountMetadataDefaults_withoutAnyDefaults_isEmptyAndNotEnforced() throws Exception {
    MetadataDefaults d = gatewayAnswering("<accountLevel/>").accountMetadataDefaults();

    assertThat(d.options().httpTokens()).isEmpty();
    assertThat(d.httpTokensEnforced()).isEqualTo(Optional.empty());
    assertThat(d.enforced()).isFalse();
  }
}
