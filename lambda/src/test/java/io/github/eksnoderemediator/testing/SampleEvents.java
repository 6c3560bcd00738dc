package io.github.eksnoderemediator.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The repository's {@code events/} folder, the single source of sample events for tests and docs.
 * The root comes from the {@code repo.root} system property (Maven sets it); without it, or when it
 * points somewhere without {@code events/}, the working directory and its parents are searched.
 */
public final class SampleEvents {
  private SampleEvents() {}

  /** The repository root: the folder that holds {@code events/}. */
  public static Path root() {
    String property = System.getProperty("repo.root");
    if (property != null && !property.isBlank()) {
      Path configured = Path.of(property).toAbsolutePath().normalize();
      if (hasEvents(configured)) {
        return configured;
      }
    }
    Path start = Path.of("").toAbsolutePath().normalize();
    for (Path dir = start; dir != null; dir = dir.getParent()) {
      if (hasEvents(dir)) {
        return dir;
      }
    }
    throw new IllegalStateException(
        "cannot find the repository root (a folder with events/): repo.root="
            + property
            + ", searched up from "
            + start);
  }

  /** {@code <root>/events}. */
  public static Path eventsDir() {
    return root().resolve("events");
  }

  /**
   * The bytes of a sample, e.g. {@code read("state-change-running.json")} or {@code "invalid/..."}.
   */
  public static byte[] read(String name) {
    Path file = eventsDir().resolve(name);
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read sample event " + file, e);
    }
  }

  /** A sample as UTF-8 text, for tests that edit it before use. */
  public static String readString(String name) {
    return new String(read(name), StandardCharsets.UTF_8);
  }

  private static boolean hasEvents(Path dir) {
    return Files.isDirectory(dir.resolve("events"));
  }

  /**
   * A sample with its placeholder instance ids ({@code i-0a1b2c3d4e5f6000N}) replaced, so the
   * real-shaped event can name instances that exist in the emulator.
   */
  public static byte[] withIds(String name, java.util.Map<String, String> placeholderToReal) {
    String text = readString(name);
    for (var e : placeholderToReal.entrySet()) {
      text = text.replace(e.getKey(), e.getValue());
    }
    return text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }
}
