package dev.lifeboat.backend.mem.internal;

import dev.lifeboat.spi.election.Leadership;
import dev.lifeboat.spi.election.LossReason;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One election group in a {@link MemStore}: candidates queue in the order they joined, the first
 * leads, and every leadership takes the next epoch of the group's counter. Changes happen under
 * the group's monitor, so at most one candidate leads at any moment; listeners are told
 * afterwards, on their connection's thread.
 */
public final class MemGroup {
    private final String group;
    private final List<MemCandidate> queue = new ArrayList<>();
    private MemCandidate leader;
    private long epoch;

    MemGroup(String group) {
        this.group = group;
    }

    synchronized void join(MemCandidate candidate) {
        queue.add(candidate);
        electIfVacant();
    }

    /** Removes a candidate; if it led, its leadership ends with {@code reason} and the next one leads. */
    synchronized void leave(MemCandidate candidate, LossReason reason) {
        queue.remove(candidate);
        if (leader == candidate) {
            leader = null;
            candidate.lose(reason);
            electIfVacant();
        }
    }

    /**
     * Ends the current leadership as a lost session would, and moves its holder to the back of
     * the queue so that another candidate (if any) takes over.
     *
     * @return the participant that lost, if anyone led
     */
    public synchronized Optional<String> expireLeader() {
        MemCandidate was = leader;
        if (was == null) {
            return Optional.empty();
        }
        leader = null;
        queue.remove(was);
        queue.add(was);
        was.lose(LossReason.SESSION_LOST);
        if (queue.size() > 1) {
            leader = queue.get(0);
            epoch++;
            leader.win(new Leadership(group, leader.participantId(), epoch, System.currentTimeMillis()));
        } else {
            electIfVacant();
        }
        return Optional.of(was.participantId());
    }

    /** The participant that leads now, if any. */
    public synchronized Optional<String> leader() {
        return leader == null ? Optional.empty() : Optional.of(leader.participantId());
    }

    /** The epoch of the newest leadership, 0 if there was none. */
    public synchronized long epoch() {
        return epoch;
    }

    private void electIfVacant() {
        if (leader == null && !queue.isEmpty()) {
            leader = queue.get(0);
            epoch++;
            leader.win(new Leadership(group, leader.participantId(), epoch, System.currentTimeMillis()));
        }
    }
}
