package dev.lifeboat.backend.zookeeper;

import static dev.lifeboat.backend.zookeeper.EventLog.Kind.ELECTED;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.spi.election.Leadership;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Never two leaders acting at once: five participants keep writing to a {@link FencedRegister}
 * whenever they believe they lead (and are not paused), while the leader's session is expired
 * again and again, half the time on the client (the leader notices first) and half the time on
 * the server (another client takes the session over and closes it, so the next leader can be
 * elected before the old one notices). Every leadership (participant, epoch, time) is recorded;
 * the epochs must be unique and increasing, and the writes the register accepted must never
 * interleave: each epoch's writes come from the participant elected with it, in one unbroken run,
 * in increasing epoch order.
 */
class ZooKeeperFencingStressTest {
    private static final int PARTICIPANTS = 5;
    private static final int EXPIRIES = 10;
    private static final Duration WAIT = Duration.ofSeconds(30);

    private static TestingServer server;

    @BeforeAll
    static void startServer() throws Exception {
        server = TestZooKeeper.server();
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    /** Storage that refuses a write carrying an epoch older than one it has accepted. */
    static final class FencedRegister {
        record Write(String participant, long epoch, long nanos) {}

        private long highestEpoch;
        private final List<Write> accepted = new ArrayList<>();
        private final List<Write> refused = new ArrayList<>();

        synchronized boolean write(String participant, long epoch) {
            Write w = new Write(participant, epoch, System.nanoTime());
            if (epoch < highestEpoch) {
                refused.add(w);
                return false;
            }
            highestEpoch = epoch;
            accepted.add(w);
            return true;
        }

        synchronized List<Write> accepted() {
            return List.copyOf(accepted);
        }

        synchronized List<Write> refused() {
            return List.copyOf(refused);
        }
    }

    @Test
    void writesFencedByEpochNeverInterleaveAcrossRepeatedSessionExpiries() throws Exception {
        URI uri = TestZooKeeper.uri(server.getConnectString(), "stress");
        EventLog log = new EventLog();
        FencedRegister register = new FencedRegister();
        AtomicBoolean running = new AtomicBoolean(true);
        List<Participant> participants = new ArrayList<>();
        List<Thread> writers = new ArrayList<>();
        try {
            for (int i = 0; i < PARTICIPANTS; i++) {
                Participant p = Participant.join(uri, TestZooKeeper.options(), "p" + i, log);
                participants.add(p);
                Thread writer = new Thread(
                        () -> {
                            while (running.get()) {
                                // What a careful application does: act only while leading and not paused,
                                // and carry the epoch so storage can refuse a deposed leader.
                                Optional<Leadership> acting = p.recorder.acting();
                                acting.ifPresent(l -> register.write(p.id, l.epoch()));
                                sleepMillis(2);
                            }
                        },
                        "writer-" + p.id);
                writer.start();
                writers.add(writer);
            }

            long epoch =
                    log.await(e -> e.kind() == ELECTED, WAIT, "first ELECTED").epoch();
            for (int round = 1; round <= EXPIRIES; round++) {
                Participant leader = leaderWithEpoch(participants, epoch);
                sleepMillis(100); // let the leader write
                if (round % 2 == 0) {
                    leader.expireSessionOnServer(server.getConnectString());
                } else {
                    leader.expireSessionOnClient();
                }
                epoch = log.awaitElectedAbove(epoch, WAIT).epoch();
            }
            sleepMillis(200);
        } finally {
            running.set(false);
            for (Thread t : writers) {
                t.join(TimeUnit.SECONDS.toMillis(10));
            }
            for (Participant p : participants) {
                p.close();
            }
        }

        List<EventLog.Event> elections = log.events(ELECTED).stream()
                .sorted(Comparator.comparingLong(EventLog.Event::nanos))
                .toList();
        List<FencedRegister.Write> accepted = register.accepted();
        List<FencedRegister.Write> refused = register.refused();
        System.out.printf(
                "%d leaderships, %d writes accepted, %d stale writes refused%n",
                elections.size(), accepted.size(), refused.size());
        elections.forEach(e -> System.out.println("  " + e));

        // Epochs are unique and grow in the order leaderships began.
        assertThat(elections).hasSizeGreaterThanOrEqualTo(EXPIRIES + 1);
        assertThat(elections)
                .extracting(EventLog.Event::epoch)
                .doesNotHaveDuplicates()
                .isSortedAccordingTo(Long::compare);
        Map<Long, String> leaderOfEpoch = new HashMap<>();
        elections.forEach(e -> leaderOfEpoch.put(e.epoch(), e.participant()));

        // Accepted writes: non-decreasing epochs, each from the participant elected with it ...
        assertThat(accepted).extracting(FencedRegister.Write::epoch).isSortedAccordingTo(Long::compare);
        assertThat(accepted)
                .allSatisfy(w -> assertThat(w.participant())
                        .as("writer of epoch %d", w.epoch())
                        .isEqualTo(leaderOfEpoch.get(w.epoch())));
        // ... and each epoch in one unbroken run: no two leaders' writes interleave.
        Set<Long> finished = new HashSet<>();
        long current = -1;
        for (FencedRegister.Write w : accepted) {
            if (w.epoch() != current) {
                assertThat(finished)
                        .as("epoch %d writes again after a newer epoch wrote", w.epoch())
                        .doesNotContain(w.epoch());
                if (current >= 0) {
                    finished.add(current);
                }
                current = w.epoch();
            }
        }
        // The test exercised what it claims: several leaders wrote.
        assertThat(accepted.stream().map(FencedRegister.Write::epoch).distinct().count())
                .isGreaterThanOrEqualTo(EXPIRIES / 2);
    }

    private static Participant leaderWithEpoch(List<Participant> participants, long epoch) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            for (Participant p : participants) {
                if (p.leadership().map(Leadership::epoch).orElse(-1L) == epoch) {
                    return p;
                }
            }
            Thread.sleep(5);
        }
        throw new AssertionError("no participant holds epoch " + epoch + ": " + participants);
    }

    private static void sleepMillis(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
