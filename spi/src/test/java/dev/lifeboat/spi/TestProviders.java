package dev.lifeboat.spi;

import dev.lifeboat.spi.election.LeaderElection;
import dev.lifeboat.spi.election.LeaderElectionProvider;
import dev.lifeboat.spi.wal.WriteAheadLog;
import dev.lifeboat.spi.wal.WriteAheadLogProvider;
import dev.lifeboat.spi.wal.WriteAheadLogReader;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Providers registered in this module's test resources, to exercise discovery. */
final class TestProviders {
    private TestProviders() {}

    /** Records what it was opened with, then refuses to open anything (no storage here). */
    public static final class Wal implements WriteAheadLogProvider {
        static volatile Map<String, String> lastOptions;

        @Override
        public String scheme() {
            return "testwal";
        }

        @Override
        public Set<Capability> capabilities() {
            return Set.of();
        }

        @Override
        public List<OptionSpec> options() {
            return List.of(
                    OptionSpec.of("durability", "sync", "durability"), OptionSpec.prefix("extra.", "passed through"));
        }

        @Override
        public WriteAheadLog open(URI uri, Map<String, String> options) throws IOException {
            lastOptions = options;
            throw new IOException("test provider opened " + uri);
        }

        @Override
        public WriteAheadLogReader openReader(URI uri, Map<String, String> options) throws IOException {
            return open(uri, options);
        }
    }

    /** Two providers claim the scheme "dup". */
    public static final class DupA implements LeaderElectionProvider {
        @Override
        public String scheme() {
            return "dup";
        }

        @Override
        public Set<Capability> capabilities() {
            return Set.of();
        }

        @Override
        public List<OptionSpec> options() {
            return List.of();
        }

        @Override
        public LeaderElection open(URI uri, Map<String, String> options) {
            throw new UnsupportedOperationException();
        }
    }

    public static final class DupB implements LeaderElectionProvider {
        @Override
        public String scheme() {
            return "DUP";
        }

        @Override
        public Set<Capability> capabilities() {
            return Set.of();
        }

        @Override
        public List<OptionSpec> options() {
            return List.of();
        }

        @Override
        public LeaderElection open(URI uri, Map<String, String> options) {
            throw new UnsupportedOperationException();
        }
    }
}
