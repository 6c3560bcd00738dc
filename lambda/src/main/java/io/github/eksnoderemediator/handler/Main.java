package io.github.eksnoderemediator.handler;

public final class Main {
  public static void main(String[] args) {}
}
