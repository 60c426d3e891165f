package dev.lifeboat.backend.zookeeper;

import static java.util.Objects.requireNonNull;

import dev.lifeboat.spi.election.Candidate;
import dev.lifeboat.spi.election.Leadership;
import dev.lifeboat.spi.election.LeadershipListener;
import dev.lifeboat.spi.election.LossReason;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

/**
 * Every listener call of every participant of a test, in the order they were made, with the
 * time ({@link System#nanoTime()}) and what {@link Candidate#isLeader()} said during the call.
 */
final class EventLog {
    enum Kind {
        ELECTED,
        LOST,
        SUSPENDED,
        RESUMED
    }

    /**
     * One listener call.
     *
     * @param reason the loss reason, for {@link Kind#LOST} only
     * @param leaderDuringCall what {@code isLeader()} returned inside the call
     */
    record Event(
            String participant,
            Kind kind,
            long epoch,
            Optional<LossReason> reason,
            long nanos,
            boolean leaderDuringCall) {
        @Override
        public String toString() {
            return String.format(
                    "%s %s epoch=%d%s leader=%s t=%dms",
                    participant,
                    kind,
                    epoch,
                    reason.map(r -> " " + r).orElse(""),
                    leaderDuringCall,
                    TimeUnit.NANOSECONDS.toMillis(nanos) % 100_000);
        }
    }

    private final List<Event> events = new ArrayList<>();

    /** A listener for {@code participant} that records here; call {@link Recorder#attach} once joined. */
    Recorder listener(String participant) {
        return new Recorder(participant);
    }

    synchronized List<Event> events() {
        return List.copyOf(events);
    }

    synchronized List<Event> events(String participant) {
        return events.stream().filter(e -> e.participant().equals(participant)).toList();
    }

    synchronized List<Event> events(Kind kind) {
        return events.stream().filter(e -> e.kind() == kind).toList();
    }

    /** Waits until an event matches, returning the first that does. */
    Event await(Predicate<Event> wanted, Duration timeout, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (this) {
            while (true) {
                Optional<Event> hit = events.stream().filter(wanted).findFirst();
                if (hit.isPresent()) {
                    return hit.get();
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("no event " + what + " within " + timeout + "; events: " + events);
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        }
    }

    /** Waits for an ELECTED event with an epoch above {@code epoch}. */
    Event awaitElectedAbove(long epoch, Duration timeout) throws InterruptedException {
        return await(e -> e.kind() == Kind.ELECTED && e.epoch() > epoch, timeout, "ELECTED with epoch > " + epoch);
    }

    private synchronized void add(Event e) {
        events.add(e);
        notifyAll();
    }

    /** Records one participant's listener calls. */
    final class Recorder implements LeadershipListener {
        private final String participant;
        private final AtomicReference<Candidate> candidate = new AtomicReference<>();
        private volatile boolean paused;

        private Recorder(String participant) {
            this.participant = requireNonNull(participant, "participant is null");
        }

        void attach(Candidate c) {
            candidate.set(c);
            synchronized (this) {
                notifyAll();
            }
        }

        /**
         * The leadership this participant may act on now: it leads and was not told to pause.
         * What a well-behaved application checks before each side effect.
         */
        Optional<Leadership> acting() {
            Candidate c = candidate.get();
            return c == null || paused ? Optional.empty() : c.leadership();
        }

        @Override
        public void elected(Leadership leadership) {
            paused = false;
            record(Kind.ELECTED, leadership, null);
        }

        @Override
        public void lost(Leadership leadership, LossReason reason) {
            paused = false;
            record(Kind.LOST, leadership, reason);
        }

        @Override
        public void suspended(Leadership leadership) {
            paused = true;
            record(Kind.SUSPENDED, leadership, null);
        }

        @Override
        public void resumed(Leadership leadership) {
            paused = false;
            record(Kind.RESUMED, leadership, null);
        }

        private void record(Kind kind, Leadership leadership, LossReason reason) {
            long now = System.nanoTime();
            if (!leadership.participantId().equals(participant)) {
                throw new AssertionError(participant + " was told about " + leadership);
            }
            add(new Event(
                    participant,
                    kind,
                    leadership.epoch(),
                    Optional.ofNullable(reason),
                    now,
                    candidate().isLeader()));
        }

        /** The candidate; the first election can be reported before {@code join} returned. */
        private Candidate candidate() {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            synchronized (this) {
                while (candidate.get() == null && System.nanoTime() < deadline) {
                    try {
                        wait(10);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        break;
                    }
                }
            }
            Candidate c = candidate.get();
            if (c == null) {
                throw new AssertionError(participant + ": listener called but join() never returned");
            }
            return c;
        }
    }
}
