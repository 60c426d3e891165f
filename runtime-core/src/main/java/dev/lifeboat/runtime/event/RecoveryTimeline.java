package dev.lifeboat.runtime.event;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A listener that records what went wrong and what the engine did about it, and renders it for
 * people: a timeline of faults, losses, failures, retries, recomputations and speculative copies
 * (ordinary first attempts that just succeed are left out), then a summary of every partition
 * that had to run more than once and what that cost.
 *
 * <pre>{@code
 * RecoveryTimeline timeline = new RecoveryTimeline();
 * try (Engine engine = Engine.start(config, timeline)) { ... }
 * System.out.print(timeline.render());
 * }</pre>
 */
public final class RecoveryTimeline implements EngineListener {
    private static final int MAX_DETAIL = 150;

    private final List<EngineEvent> events = new CopyOnWriteArrayList<>();

    @Override
    public void onEvent(EngineEvent event) {
        events.add(event);
    }

    /** Every event recorded, in order. */
    public List<EngineEvent> events() {
        return List.copyOf(events);
    }

    /** The timeline and the recomputation summary, as text. */
    public String render() {
        List<EngineEvent> all = events();
        long start = all.stream()
                .filter(e -> e instanceof EngineEvent.JobStarted)
                .findFirst()
                .or(() -> all.stream().findFirst())
                .map(EngineEvent::nanoTime)
                .orElse(0L);
        StringBuilder out = new StringBuilder("Recovery timeline (ms since the first job started)\n");
        Set<String> ranBefore = new HashSet<>();
        Set<Long> reruns = new HashSet<>();
        for (EngineEvent e : all) {
            Optional<String> line = describe(e, ranBefore, reruns, start);
            line.ifPresent(l -> out.append(String.format(Locale.ROOT, "%7d  %s%n", ms(e.nanoTime() - start), l)));
        }
        out.append(summary(all));
        return out.toString();
    }

    private static Optional<String> describe(EngineEvent event, Set<String> ranBefore, Set<Long> reruns, long start) {
        if (event instanceof EngineEvent.JobStarted e) {
            return Optional.of("job " + e.jobId() + " started: " + e.description());
        } else if (event instanceof EngineEvent.JobEnded e) {
            return Optional.of("job " + e.jobId()
                    + (e.succeeded()
                            ? " succeeded"
                            : " FAILED: " + shorten(e.failure().orElse(""))));
        } else if (event instanceof EngineEvent.StageSubmitted e) {
            return Optional.of((e.attempt() == 0 ? "stage " : "RESUBMIT stage ") + e.stageId() + "." + e.attempt()
                    + " (" + e.name() + "): " + (e.attempt() == 0 ? "" : "recompute ") + "partitions "
                    + e.partitions());
        } else if (event instanceof EngineEvent.StageCompleted e) {
            return Optional.of("stage " + e.stageId() + "." + e.attempt()
                    + e.failure().map(f -> " FAILED: " + shorten(f)).orElse(" completed"));
        } else if (event instanceof EngineEvent.TaskStarted e) {
            String key = e.task().stageId() + "/" + e.task().partition();
            if (ranBefore.add(key)) {
                return Optional.empty();
            }
            reruns.add(e.task().taskId());
            return Optional.of("  RE-RUN " + e.task().label());
        } else if (event instanceof EngineEvent.TaskEnded e) {
            if (e.reason() == TaskEndReason.SUCCESS) {
                return reruns.contains(e.task().taskId()) || e.task().speculative()
                        ? Optional.of("  done   " + e.task().label() + " in " + ms(e.durationNanos()) + " ms")
                        : Optional.empty();
            }
            if (e.reason() == TaskEndReason.FETCH_FAILED) {
                return Optional.empty(); // the FetchFailed event says it better
            }
            return Optional.of("  " + tag(e.reason()) + " " + e.task().label() + ": "
                    + shorten(e.detail().orElse("")));
        } else if (event instanceof EngineEvent.ExecutorAdded e) {
            return e.nanoTime() < start
                    ? Optional.empty()
                    : Optional.of("executor " + e.executorId() + " started (replacement)");
        } else if (event instanceof EngineEvent.ExecutorLost e) {
            return Optional.of("LOST executor " + e.executorId() + ": " + e.reason());
        } else if (event instanceof EngineEvent.FetchFailed e) {
            return Optional.of("FETCH FAILURE in " + e.task().label() + ": shuffle " + e.shuffleId()
                    + " map output(s) of partition(s) " + e.missingMapPartitions() + " unavailable");
        } else if (event instanceof EngineEvent.SpeculativeTaskLaunched e) {
            return Optional.of("STRAGGLER partition " + e.copy().partition() + " of stage "
                    + e.copy().stageId() + " running for " + ms(e.originalRunningNanos()) + " ms: copy launched, "
                    + e.copy().label());
        } else if (event instanceof EngineEvent.CheckpointWritten e) {
            return Optional.of("checkpoint " + e.checkpointId() + " written (" + (e.reliable() ? "reliable" : "local")
                    + ", " + e.partitions() + " partitions, " + e.bytes() + " bytes)");
        } else if (event instanceof EngineEvent.FaultInjected e) {
            return Optional.of("FAULT  " + e.description());
        }
        return Optional.empty();
    }

    private static String summary(List<EngineEvent> all) {
        Map<String, List<EngineEvent.TaskEnded>> byPartition = new TreeMap<>();
        Map<Integer, String> stageNames = new HashMap<>();
        long firstFailure = Long.MAX_VALUE;
        long lastJobEnd = 0;
        for (EngineEvent e : all) {
            if (e instanceof EngineEvent.StageSubmitted s) {
                stageNames.putIfAbsent(s.stageId(), s.name());
            } else if (e instanceof EngineEvent.TaskEnded t) {
                byPartition
                        .computeIfAbsent(
                                String.format(
                                        Locale.ROOT,
                                        "%06d/%06d",
                                        t.task().stageId(),
                                        t.task().partition()),
                                k -> new ArrayList<>())
                        .add(t);
                if (t.reason() != TaskEndReason.SUCCESS) {
                    firstFailure = Math.min(firstFailure, t.nanoTime());
                }
            } else if (e instanceof EngineEvent.FaultInjected || e instanceof EngineEvent.ExecutorLost) {
                firstFailure = Math.min(firstFailure, e.nanoTime());
            } else if (e instanceof EngineEvent.JobEnded j) {
                lastJobEnd = Math.max(lastJobEnd, j.nanoTime());
            }
        }
        StringBuilder out = new StringBuilder("\nRecomputed: partitions that ran more than once\n");
        Map<Integer, List<String>> perStage = new LinkedHashMap<>();
        int extraAttempts = 0;
        long extraNanos = 0;
        for (List<EngineEvent.TaskEnded> attempts : byPartition.values()) {
            if (attempts.size() < 2) {
                continue;
            }
            EngineEvent.TaskEnded first = attempts.get(0);
            StringBuilder line =
                    new StringBuilder("    partition " + first.task().partition() + ": ");
            for (int i = 0; i < attempts.size(); i++) {
                EngineEvent.TaskEnded a = attempts.get(i);
                if (i > 0) {
                    line.append(", then ");
                    extraAttempts++;
                    extraNanos += a.durationNanos();
                }
                boolean outputLost = a.reason() == TaskEndReason.SUCCESS
                        && i + 1 < attempts.size()
                        && attempts.get(i + 1).reason() != TaskEndReason.KILLED;
                line.append(a.task().speculative() ? "copy" : "attempt")
                        .append(" on executor ")
                        .append(a.task().executorId())
                        .append(' ')
                        .append(outcome(a.reason(), outputLost))
                        .append(" (")
                        .append(ms(a.durationNanos()))
                        .append(" ms)");
            }
            perStage.computeIfAbsent(first.task().stageId(), k -> new ArrayList<>())
                    .add(line.toString());
        }
        if (perStage.isEmpty()) {
            out.append("  nothing\n");
        }
        perStage.forEach((stage, lines) -> {
            out.append("  stage ")
                    .append(stage)
                    .append(" (")
                    .append(stageNames.getOrDefault(stage, "?"))
                    .append(")\n");
            lines.forEach(l -> out.append(l).append('\n'));
        });
        if (firstFailure != Long.MAX_VALUE && lastJobEnd > firstFailure) {
            out.append(String.format(
                    Locale.ROOT,
                    "Recovery cost: %d extra task attempts, %d ms of task time; %d ms from the first fault to the end of the job%n",
                    extraAttempts,
                    ms(extraNanos),
                    ms(lastJobEnd - firstFailure)));
        }
        return out.toString();
    }

    private static String outcome(TaskEndReason reason, boolean outputLost) {
        return switch (reason) {
            case SUCCESS -> outputLost ? "succeeded, but its output was lost" : "succeeded";
            case FAILED -> "failed";
            case FETCH_FAILED -> "could not fetch its input";
            case KILLED -> "was cancelled";
            case EXECUTOR_LOST -> "was lost with its executor";
        };
    }

    private static String tag(TaskEndReason reason) {
        return switch (reason) {
            case SUCCESS -> "done  ";
            case FAILED -> "FAILED";
            case FETCH_FAILED -> "FETCH ";
            case KILLED -> "KILLED";
            case EXECUTOR_LOST -> "LOST  ";
        };
    }

    private static String shorten(String s) {
        String line = s.replace('\n', ' ');
        return line.length() <= MAX_DETAIL ? line : line.substring(0, MAX_DETAIL) + "...";
    }

    private static long ms(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }
}
