package io.github.eksnoderemediator.port;

import java.util.Optional;

/**
 * A launch template version, as a node group names it: by id or by name.
 *
 * @param id the template id ({@code lt-…}), when known
 * @param name the template name, when known
 * @param version the version number, {@code $Latest} or {@code $Default}
 */
public record LaunchTemplateRef(Optional<String> id, Optional<String> name, String version) {
  @Override
  public String toString() {
    return id.or(() -> name).orElse("?") + " version " + version;
  }
}
