package io.github.eksnoderemediator.port;

import java.util.Optional;

/**
 * Metadata options as a launch template or the account's defaults state them: any field may be
 * unset (then EC2 falls back to the next level: account default, AMI, EC2's own default).
 *
 * @param httpTokens {@code optional}, {@code required} or, for account defaults, {@code
 *     no-preference}
 * @param hopLimit the PUT-response hop limit ({@code -1} is an account default's "no preference")
 * @param httpEndpoint {@code enabled}, {@code disabled} or {@code no-preference}
 */
public record TemplateOptions(
    Optional<String> httpTokens, Optional<Integer> hopLimit, Optional<String> httpEndpoint) {}
