package io.github.eksnoderemediator.report;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What the IMDSv1-use check found for a node, as the report and logs show it.
 *
 * @param calls IMDSv1 calls ({@code MetadataNoToken} sum) in the window, when read
 * @param lookbackHours the window, when read
 * @param note one phrase: the count, or why it was not read or could not be
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ImdsV1View(Long calls, Long lookbackHours, String note) {}
