package dev.lifeboat.runtime.internal.executor;

import static java.util.Objects.requireNonNull;

import dev.lifeboat.spi.shuffle.LossScope;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A reduce task could not read some of its shuffle blocks. It lists every missing map output the
 * task found (it tries them all before failing), so the driver recomputes them in one round.
 */
public final class FetchFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int shuffleId;
    private final int reduceId;
    private final transient List<MissingOutput> missing;

    public FetchFailedException(int shuffleId, int reduceId, List<MissingOutput> missing) {
        super("Fetch failure in shuffle " + shuffleId + ", reduce partition " + reduceId + ": "
                + missing.size() + " map output(s) unavailable: "
                + missing.stream().map(MissingOutput::toString).collect(Collectors.joining("; ")));
        this.shuffleId = shuffleId;
        this.reduceId = reduceId;
        this.missing = List.copyOf(missing);
        if (this.missing.isEmpty()) {
            throw new IllegalArgumentException("a fetch failure needs at least one missing map output");
        }
    }

    public int shuffleId() {
        return shuffleId;
    }

    public int reduceId() {
        return reduceId;
    }

    public List<MissingOutput> missing() {
        return missing;
    }

    /**
     * One map output a reducer could not read.
     *
     * @param mapPartition the map task's partition
     * @param mapId the map id of the output it tried (the task id that wrote it), or -1 if none
     *     was registered
     * @param location where it was, or empty if none was registered
     * @param scope how much the store says is lost
     * @param detail why
     */
    public record MissingOutput(int mapPartition, long mapId, String location, LossScope scope, String detail) {
        public MissingOutput {
            requireNonNull(location, "location is null");
            requireNonNull(scope, "scope is null");
            requireNonNull(detail, "detail is null");
        }

        @Override
        public String toString() {
            return "map partition " + mapPartition + (mapId >= 0 ? " (output " + mapId + " at " + location + ")" : "")
                    + ": " + detail;
        }
    }
}
