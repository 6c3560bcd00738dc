package io.github.eksnoderemediator.testing;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * An in-process stand-in for an SQS queue and Lambda's event source mapping on it, with the
 * documented behaviour that matters here: at most {@code maxConcurrency} invocations at once; each
 * gathers up to {@code batchSize} messages, waiting at most {@code batchWindow} for more; messages
 * an invocation names in its {@code SQSBatchResponse} come back (after {@code visibility}, standing
 * in for the visibility timeout), and after {@code maxReceiveCount} receives go to the dead-letter
 * list instead. Order is not preserved, as in a standard queue.
 */
public final class QueueWorkers {
  private final LinkedBlockingQueue<SqsBatches.Message> queue = new LinkedBlockingQueue<>();
  private final List<SqsBatches.Message> deadLetters =
      java.util.Collections.synchronizedList(new ArrayList<>());
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger invocations = new AtomicInteger();
  private final AtomicInteger redelivered = new AtomicInteger();
  private final AtomicLong ids = new AtomicLong();
  private final Map<String, Long> done = new ConcurrentHashMap<>();
  private final int batchSize;
  private final Duration batchWindow;
  private final int maxConcurrency;
  private final Duration visibility;
  private final int maxReceiveCount;

  public QueueWorkers(
      int batchSize,
      Duration batchWindow,
      int maxConcurrency,
      Duration visibility,
      int maxReceiveCount) {
    this.batchSize = batchSize;
    this.batchWindow = batchWindow;
    this.maxConcurrency = maxConcurrency;
    this.visibility = visibility;
    this.maxReceiveCount = maxReceiveCount;
  }

  /** Sends one message (an EventBridge event, as the rule's target does); returns its id. */
  public String send(byte[] body) {
    String id = "msg-" + ids.incrementAndGet();
    queue.add(new SqsBatches.Message(id, body, 1));
    return id;
  }

  /** Messages on the queue now, waiting to be received (not those in flight or coming back). */
  public int waiting() {
    return queue.size();
  }

  /** What the run did. */
  public record Stats(int invocations, int redelivered, List<SqsBatches.Message> deadLetters) {}

  /**
   * Runs the mapping until the queue is empty and nothing is in flight or waiting to come back.
   *
   * @param environments builds one handler per concurrent worker, as Lambda gives each concurrent
   *     invocation its own execution environment (and so its own write pacer)
   * @param onDone called with each message id when its invocation succeeded for it (deleted)
   */
  public Stats drain(Supplier<RequestStreamHandler> environments, Consumer<String> onDone)
      throws Exception {
    ExecutorService workers = Executors.newFixedThreadPool(maxConcurrency);
    AtomicInteger waitingToComeBack = new AtomicInteger();
    List<Future<?>> futures = new ArrayList<>();
    for (int w = 0; w < maxConcurrency; w++) {
      futures.add(
          workers.submit(
              () -> {
                RequestStreamHandler handler = environments.get();
                while (true) {
                  List<SqsBatches.Message> batch = gather(waitingToComeBack);
                  if (batch == null) {
                    return null;
                  }
                  invocations.incrementAndGet();
                  List<String> failed = SqsBatches.invoke(handler, batch);
                  for (SqsBatches.Message m : batch) {
                    if (!failed.contains(m.messageId())) {
                      done.put(m.messageId(), System.nanoTime());
                      onDone.accept(m.messageId());
                    } else if (m.receiveCount() >= maxReceiveCount) {
                      deadLetters.add(m);
                    } else {
                      redelivered.incrementAndGet();
                      waitingToComeBack.incrementAndGet();
                      comeBackLater(m, waitingToComeBack);
                    }
                  }
                  inFlight.addAndGet(-batch.size());
                }
              }));
    }
    for (Future<?> f : futures) {
      f.get();
    }
    workers.shutdown();
    return new Stats(invocations.get(), redelivered.get(), List.copyOf(deadLetters));
  }

  private void comeBackLater(SqsBatches.Message m, AtomicInteger waiting) {
    Thread.ofVirtual()
        .start(
            () -> {
              try {
                Thread.sleep(visibility.toMillis());
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              queue.add(new SqsBatches.Message(m.messageId(), m.body(), m.receiveCount() + 1));
              waiting.decrementAndGet();
            });
  }

  /** A batch as the mapping gathers one, or null when there is nothing left at all. */
  private List<SqsBatches.Message> gather(AtomicInteger waitingToComeBack)
      throws InterruptedException {
    List<SqsBatches.Message> batch = new ArrayList<>();
    while (batch.isEmpty()) {
      SqsBatches.Message first = queue.poll(50, TimeUnit.MILLISECONDS);
      if (first == null) {
        if (queue.isEmpty() && inFlight.get() == 0 && waitingToComeBack.get() == 0) {
          return null;
        }
        continue;
      }
      inFlight.incrementAndGet();
      batch.add(first);
    }
    long windowEnds = System.nanoTime() + batchWindow.toNanos();
    while (batch.size() < batchSize) {
      long left = windowEnds - System.nanoTime();
      SqsBatches.Message next = left > 0 ? queue.poll(left, TimeUnit.NANOSECONDS) : queue.poll();
      if (next == null) {
        break;
      }
      inFlight.incrementAndGet();
      batch.add(next);
    }
    return batch;
  }

  /**
   * Invokes a handler once with {@code event} as one message, as a mapping would, and ignores the
   * answer: warms an execution environment before a measurement.
   */
  public static void warm(RequestStreamHandler handler, byte[] event) {
    SqsBatches.invoke(handler, List.of(new SqsBatches.Message("warm-up", event, 1)));
  }
}
