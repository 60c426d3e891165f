package dev.lifeboat.runtime;

import dev.lifeboat.runtime.event.EngineEvent;
import dev.lifeboat.runtime.event.EngineListener;
import dev.lifeboat.runtime.event.TaskEndReason;
import dev.lifeboat.runtime.event.TaskInfo;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/** Records every event of an engine, and answers what the recovery tests ask about them. */
final class EventLog implements EngineListener {
    private final List<EngineEvent> events = new CopyOnWriteArrayList<>();

    @Override
    public void onEvent(EngineEvent event) {
        events.add(event);
    }

    List<EngineEvent> all() {
        return List.copyOf(events);
    }

    <E extends EngineEvent> List<E> of(Class<E> type) {
        return events.stream().filter(type::isInstance).map(type::cast).toList();
    }

    void clear() {
        events.clear();
    }

    /** Every task attempt launched in a stage. */
    List<TaskInfo> launched(int stageId) {
        return of(EngineEvent.TaskStarted.class).stream()
                .map(EngineEvent.TaskStarted::task)
                .filter(t -> t.stageId() == stageId)
                .toList();
    }

    /** How many attempts each partition of a stage had, over all stage attempts. */
    Map<Integer, Long> attemptsPerPartition(int stageId) {
        return launched(stageId).stream()
                .collect(Collectors.groupingBy(TaskInfo::partition, TreeMap::new, Collectors.counting()));
    }

    /** The partitions of a stage that ran more than once: the re-run task set. */
    Set<Integer> rerun(int stageId) {
        return attemptsPerPartition(stageId).entrySet().stream()
                .filter(e -> e.getValue() > 1)
                .map(Map.Entry::getKey)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /** The partitions launched in one attempt of a stage. */
    Set<Integer> launchedInAttempt(int stageId, int stageAttempt) {
        return launched(stageId).stream()
                .filter(t -> t.stageAttempt() == stageAttempt)
                .map(TaskInfo::partition)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /** The attempts of a stage that were submitted, in order, with their partitions. */
    List<EngineEvent.StageSubmitted> submissions(int stageId) {
        return of(EngineEvent.StageSubmitted.class).stream()
                .filter(s -> s.stageId() == stageId)
                .toList();
    }

    /** Task ends of one reason in a stage. */
    List<EngineEvent.TaskEnded> ended(int stageId, TaskEndReason reason) {
        return of(EngineEvent.TaskEnded.class).stream()
                .filter(e -> e.task().stageId() == stageId && e.reason() == reason)
                .toList();
    }

    /** The partitions of a stage whose successful attempt ran on an executor. */
    Set<Integer> succeededOn(int stageId, int executorId) {
        return ended(stageId, TaskEndReason.SUCCESS).stream()
                .filter(e -> e.task().executorId() == executorId)
                .map(e -> e.task().partition())
                .collect(Collectors.toCollection(TreeSet::new));
    }

    @Override
    public String toString() {
        return events.stream().map(Object::toString).collect(Collectors.joining("\n"));
    }
}
