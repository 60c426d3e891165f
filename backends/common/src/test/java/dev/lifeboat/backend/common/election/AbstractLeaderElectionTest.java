package dev.lifeboat.backend.common.election;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeboat.spi.Capability;
import dev.lifeboat.spi.election.Candidate;
import dev.lifeboat.spi.election.Leadership;
import dev.lifeboat.spi.election.LeadershipListener;
import dev.lifeboat.spi.election.LossReason;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AbstractLeaderElectionTest {
    private final List<String> events = new ArrayList<>();
    private final LeadershipListener listener = new LeadershipListener() {
        @Override
        public void elected(Leadership leadership) {}

        @Override
        public void lost(Leadership leadership, LossReason reason) {}
    };

    /** A candidate that records what happens to it. */
    private final class Recording implements Candidate {
        private final String id;
        private final Election election;

        Recording(String id, Election election) {
            this.id = id;
            this.election = election;
        }

        @Override
        public String participantId() {
            return id;
        }

        @Override
        public boolean isLeader() {
            return false;
        }

        @Override
        public Optional<Leadership> leadership() {
            return Optional.empty();
        }

        @Override
        public boolean awaitLeadership(Duration timeout) {
            return false;
        }

        @Override
        public void resign() {
            events.add("resign " + id);
            election.left(id, this);
        }

        @Override
        public void close() {
            events.add("close " + id);
            election.left(id, this);
        }
    }

    private final class Election extends AbstractLeaderElection<Recording> {
        Election(Set<String> reserved) {
            super(() -> events.add("close connection"), "group-1", Set.of(Capability.ELECTION_DURABLE_EPOCH), reserved);
        }

        @Override
        protected Recording newCandidate(String participantId, LeadershipListener listener) {
            return new Recording(participantId, this);
        }

        @Override
        protected void start(Recording candidate) {
            events.add("start " + candidate.participantId() + " in " + group());
        }

        @Override
        public Duration failoverTimeout() {
            return Duration.ofSeconds(1);
        }
    }

    @Test
    void aCandidateIsStartedOncePerIdUntilItLeaves() throws IOException {
        Election e = new Election(Set.of());
        Candidate a = e.join("a", listener);
        assertThat(a.participantId()).isEqualTo("a");
        assertThatThrownBy(() -> e.join("a", listener))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("participant id 'a' already joined group-1 through this connection");
        a.resign();
        e.join("a", listener);
        assertThat(events).containsExactly("start a in group-1", "resign a", "start a in group-1");
        assertThat(e.capabilities()).containsExactly(Capability.ELECTION_DURABLE_EPOCH);
    }

    @Test
    void idsAreOneSegmentWithoutSpacesAndNotReserved() {
        Election plain = new Election(Set.of());
        assertThatThrownBy(() -> plain.join("a/b", listener))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("participant id 'a/b' must be one segment without spaces");
        assertThatThrownBy(() -> plain.join("a b", listener)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> plain.join("", listener)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> plain.join("a", null)).isInstanceOf(NullPointerException.class);
        Election reserving = new Election(Set.of("-"));
        assertThatThrownBy(() -> reserving.join("-", listener))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("participant id '-' must be one segment without spaces, and not '-'");
        assertThat(events).isEmpty();
    }

    @Test
    void closeClosesEveryCandidateThenTheConnectionOnceAndRefusesJoins() throws IOException {
        Election e = new Election(Set.of());
        e.join("a", listener);
        e.join("b", listener);
        events.clear();
        e.close();
        e.close();
        assertThat(events).containsExactlyInAnyOrder("close a", "close b", "close connection");
        assertThat(events.get(2)).isEqualTo("close connection");
        assertThatThrownBy(() -> e.join("c", listener))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("the election group-1 is closed");
    }
}
