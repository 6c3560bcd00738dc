package io.github.eksnoderemediator.check;

import java.util.List;

/**
 * The permissions check: each request the function needs to make (and some it must never be able to
 * make) sent to EC2 with {@code DryRun=true}, in the account the function runs in, as the
 * function's own role. Nothing is written.
 *
 * @param probes one row per request, in the order they were sent
 * @param notes what could not be checked and why (no node in scope, no interface of ours yet)
 * @param passed true when no probe failed: the role can do the function's job and cannot reach out
 *     of scope (warnings do not fail it)
 * @param summary one line: how many rows were ok, warnings, failures
 */
public record PermissionsReport(
    List<Probe> probes, List<String> notes, boolean passed, String summary) {

  public PermissionsReport {
    probes = List.copyOf(probes);
    notes = List.copyOf(notes);
  }

  public static PermissionsReport of(List<Probe> probes, List<String> notes) {
    long failed = probes.stream().filter(p -> p.verdict() == Probe.Verdict.FAIL).count();
    long warned = probes.stream().filter(p -> p.verdict() == Probe.Verdict.warn).count();
    long ok = probes.size() - failed - warned;
    return new PermissionsReport(
        probes,
        notes,
        failed == 0,
        (failed == 0 ? "passed: " : "FAILED: ")
            + ok
            + " ok, "
            + warned
            + " warning(s), "
            + failed
            + " failed"
            + (notes.isEmpty() ? "" : "; " + String.join("; ", notes)));
  }

  /** One line naming each failed probe, for an exception message. */
  public String failureSummary() {
    return summary
        + ": "
        + String.join(
            "; ",
            probes.stream()
                .filter(p -> p.verdict() == Probe.Verdict.FAIL)
                .map(p -> p.probe() + " on " + p.resource() + ": " + p.meaning())
                .toList());
  }
}
