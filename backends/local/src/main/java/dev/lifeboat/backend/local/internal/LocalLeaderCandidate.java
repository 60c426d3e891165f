package dev.lifeboat.backend.local.internal;

import dev.lifeboat.spi.election.Candidate;
import dev.lifeboat.spi.election.Leadership;
import dev.lifeboat.spi.election.LeadershipListener;
import dev.lifeboat.spi.election.LossReason;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.System.Logger.Level;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One participant of a {@link LocalLeaderElection}. Its own single backend thread polls for the
 * lock and delivers every listener call, so calls for one candidate are made one at a time and in
 * order. State changes happen under this object's monitor; {@link #isLeader()} is false before a
 * loss is delivered.
 */
final class LocalLeaderCandidate implements Candidate {
    private static final System.Logger LOG = System.getLogger(LocalLeaderCandidate.class.getName());
    private static final Duration STOP_WAIT = Duration.ofSeconds(10);

    private final LocalLeaderElection election;
    private final LocalElectionSettings settings;
    private final LocalElectionJvmSlot slot;
    private final String participantId;
    private final LeadershipListener listener;
    private final ScheduledExecutorService thread;
    private final Path lockFile;
    private volatile Thread backendThread;

    // guarded by this
    private boolean active = true;
    private Leadership leadership;
    private FileChannel channel;
    private FileLock lock;
    private Object lockedFileKey;
    private String lastProblem = "";

    LocalLeaderCandidate(
            LocalLeaderElection election,
            LocalElectionSettings settings,
            LocalElectionJvmSlot slot,
            String participantId,
            LeadershipListener listener) {
        this.election = election;
        this.settings = settings;
        this.slot = slot;
        this.participantId = participantId;
        this.listener = listener;
        this.lockFile = LocalElectionFiles.lockFile(settings.root());
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "lifeboat-local-election-" + participantId);
            t.setDaemon(true);
            backendThread = t;
            return t;
        });
    }

    // The future only cancels: poll() catches every failure itself, and close() stops the executor.
    @SuppressWarnings("FutureReturnValueIgnored")
    void start() {
        thread.scheduleWithFixedDelay(this::poll, 0, settings.pollInterval().toNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public String participantId() {
        return participantId;
    }

    @Override
    public synchronized boolean isLeader() {
        return leadership != null;
    }

    @Override
    public synchronized Optional<Leadership> leadership() {
        return Optional.ofNullable(leadership);
    }

    @Override
    public synchronized boolean awaitLeadership(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (leadership == null && active) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return leadership != null;
    }

    @Override
    public void resign() throws IOException {
        stop(LossReason.RESIGNED);
    }

    @Override
    public void close() throws IOException {
        stop(LossReason.CLOSED);
    }

    @Override
    public String toString() {
        Leadership l = leadership().orElse(null);
        return "LocalLeaderCandidate[" + participantId + " in " + settings.group()
                + (l == null ? ", not leading" : ", leading with epoch " + l.epoch()) + "]";
    }

    // ---- internals

    /** Withdraws: releases the lock, clears the leadership, then tells the listener. */
    private void stop(LossReason reason) throws IOException {
        Leadership lost;
        synchronized (this) {
            if (!active) {
                return;
            }
            active = false;
            lost = leadership;
            leadership = null;
            releaseLock();
            notifyAll();
        }
        election.left(this);
        if (lost != null) {
            thread.execute(() -> deliverLost(lost, reason));
        }
        thread.shutdown();
        if (Thread.currentThread() != backendThread) { // a listener may resign: never wait for itself
            try {
                if (!thread.awaitTermination(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                    LOG.log(Level.WARNING, "the listener of " + participantId + " did not return within " + STOP_WAIT);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while " + participantId + " was leaving the election");
            }
        }
    }

    /** One tick of the backend thread: compete for the lock, or check that it is still held. */
    private void poll() {
        try {
            Leadership won = null;
            Leadership lost = null;
            LossReason reason = null;
            synchronized (this) {
                if (!active) {
                    return;
                }
                if (leadership == null) {
                    won = tryAcquire();
                } else {
                    Optional<LossReason> gone = checkStillLeading();
                    if (gone.isPresent()) {
                        lost = leadership;
                        reason = gone.get();
                        leadership = null;
                        releaseLock();
                        notifyAll();
                    }
                }
            }
            if (won != null) {
                deliverElected(won);
            }
            if (lost != null) {
                deliverLost(lost, reason);
            }
        } catch (RuntimeException | Error e) {
            // never let the repeating task die: it is this candidate's only thread
            LOG.log(Level.ERROR, "leader election poll of " + participantId + " failed", e);
        }
    }

    /** Tries the JVM slot, then the file lock; on success writes the next epoch. Holds this. */
    private Leadership tryAcquire() {
        if (!slot.tryClaim(this)) {
            return null;
        }
        FileChannel ch = null;
        try {
            ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock l = ch.tryLock();
            if (l == null) {
                ch.close();
                slot.release(this);
                return null;
            }
            Object key =
                    Files.readAttributes(lockFile, BasicFileAttributes.class).fileKey();
            long epoch = LocalElectionFiles.readEpoch(settings.root()) + 1;
            LocalElectionFiles.writeEpoch(settings.root(), epoch);
            channel = ch;
            lock = l;
            lockedFileKey = key;
            leadership = new Leadership(settings.group(), participantId, epoch, System.currentTimeMillis());
            lastProblem = "";
            notifyAll();
            return leadership;
        } catch (IOException | RuntimeException e) {
            if (ch != null) {
                try {
                    ch.close(); // releases the lock if it was taken
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            slot.release(this);
            String problem = String.valueOf(e.getMessage());
            if (!problem.equals(lastProblem)) { // once per distinct problem, not every poll
                lastProblem = problem;
                LOG.log(
                        Level.WARNING,
                        participantId + " cannot take the leadership of " + settings.group() + "; will retry every "
                                + settings.pollInterval(),
                        e);
            }
            return null;
        }
    }

    /** Whether this leader still holds the group; the reason it does not if not. Holds this. */
    private Optional<LossReason> checkStillLeading() {
        try {
            Object key =
                    Files.readAttributes(lockFile, BasicFileAttributes.class).fileKey();
            if (lockedFileKey != null && !Objects.equals(key, lockedFileKey)) {
                return Optional.of(LossReason.SESSION_LOST); // the lock file was replaced
            }
        } catch (NoSuchFileException e) {
            return Optional.of(LossReason.SESSION_LOST); // the lock file was removed
        } catch (IOException e) {
            return Optional.empty(); // cannot tell: keep leading, the lock is still held
        }
        try {
            long epoch = LocalElectionFiles.readEpoch(settings.root());
            if (epoch > leadership.epoch()) {
                return Optional.of(LossReason.SUPERSEDED);
            }
            if (epoch < leadership.epoch()) {
                // damaged or removed while we lead: restore it so the next epoch stays greater
                LocalElectionFiles.writeEpoch(settings.root(), leadership.epoch());
            }
        } catch (IOException e) {
            try {
                LocalElectionFiles.writeEpoch(settings.root(), leadership.epoch());
            } catch (IOException again) {
                LOG.log(Level.WARNING, "cannot repair the epoch file of " + settings.group(), again);
            }
        }
        return Optional.empty();
    }

    /** Releases the file lock and the JVM slot. Holds this. */
    private void releaseLock() {
        if (channel != null) {
            try {
                if (lock != null && lock.isValid()) {
                    lock.release();
                }
                channel.close();
            } catch (IOException e) {
                LOG.log(Level.WARNING, "cannot release the leader lock " + lockFile, e);
            }
            channel = null;
            lock = null;
            lockedFileKey = null;
            slot.release(this);
        }
    }

    private void deliverElected(Leadership l) {
        try {
            listener.elected(l);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "the listener of " + participantId + " failed on election", e);
        }
    }

    private void deliverLost(Leadership l, LossReason reason) {
        try {
            listener.lost(l, reason);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "the listener of " + participantId + " failed on loss", e);
        }
    }
}
