package dev.lifeboat.runtime.internal.scheduler;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * The scheduler thread: runs posted events one at a time, each followed by {@code afterEach}, so
 * the state they touch needs no lock. An event or {@code afterEach} that throws is handed to
 * {@code onError} and the loop goes on: a scheduler bug must fail the job, not hang it.
 */
final class EventLoop {
    private final LinkedBlockingQueue<Runnable> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private final Runnable afterEach;
    private final Consumer<Throwable> onError;
    private volatile boolean stopped;

    EventLoop(String threadName, Runnable afterEach, Consumer<Throwable> onError) {
        this.afterEach = afterEach;
        this.onError = onError;
        this.thread = new Thread(this::run, threadName);
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    boolean isRunning() {
        return thread.isAlive();
    }

    boolean isStopped() {
        return stopped;
    }

    /** Queues {@code event}; dropped once the loop is stopped. */
    void post(Runnable event) {
        if (!stopped) {
            queue.add(event);
        }
    }

    /** Runs {@code action} on the scheduler thread and waits for it. */
    void runAndWait(Runnable action) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        post(() -> {
            action.run();
            done.complete(null);
        });
        try {
            done.get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("scheduler did not run an action", e);
        }
    }

    /** Stops taking events and waits (a while) for the event being run to end. */
    void stop() {
        stopped = true;
        thread.interrupt();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        while (!stopped) {
            Runnable event;
            try {
                event = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            try {
                event.run();
                afterEach.run();
            } catch (RuntimeException | Error e) {
                e.printStackTrace();
                onError.accept(e);
            }
        }
    }
}
