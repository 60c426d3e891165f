package dev.lifeboat.runtime.streaming;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongFunction;

/**
 * A replayable source that computes record {@code i} from its offset with a pure function, up to
 * {@code limit} records. Replaying a range gives the same records, so it needs no log.
 */
public final class GeneratorSource implements Source {
    private final LongFunction<String> generator;
    private final long limit;

    /**
     * @param generator record {@code i} for offset {@code i}; must be deterministic
     * @param limit how many records exist ({@code >= 0})
     */
    public GeneratorSource(LongFunction<String> generator, long limit) {
        this.generator = requireNonNull(generator, "generator is null");
        if (limit < 0) {
            throw new IllegalArgumentException("limit is negative: " + limit);
        }
        this.limit = limit;
    }

    @Override
    public String name() {
        return "generator";
    }

    @Override
    public long initialOffset() {
        return 0;
    }

    @Override
    public long latestOffset() {
        return limit;
    }

    @Override
    public List<String> read(long start, long end) {
        Ranges.check(start, end, limit);
        List<String> out = new ArrayList<>((int) (end - start));
        for (long i = start; i < end; i++) {
            out.add(requireNonNull(generator.apply(i), "the generator returned null for offset " + i));
        }
        return out;
    }
}
