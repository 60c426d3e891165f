package dev.lifeboat.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assumptions.abort;

import dev.lifeboat.compat.internal.Payloads;
import dev.lifeboat.spi.Capability;
import dev.lifeboat.spi.Lifeboat;
import dev.lifeboat.spi.fault.StorageFaults;
import dev.lifeboat.spi.fault.StoredKind;
import dev.lifeboat.spi.fault.StoredObject;
import dev.lifeboat.spi.shuffle.BlockUnavailableException;
import dev.lifeboat.spi.shuffle.MapOutputId;
import dev.lifeboat.spi.shuffle.MapOutputWriter;
import dev.lifeboat.spi.shuffle.MapStatus;
import dev.lifeboat.spi.shuffle.ShuffleBlockStore;
import dev.lifeboat.spi.shuffle.ShuffleBlockStoreProvider;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link ShuffleBlockStore} backend keeps: map outputs written partition by
 * partition and committed atomically, the first attempt of a map task wins, blocks are verified
 * against their {@link MapStatus}, and a missing or damaged block is a
 * {@link BlockUnavailableException} carrying the block, its location and the scope of the loss.
 * A backend's test extends this class and supplies its provider, a fresh root per call and its
 * options, as {@link BackendContract} shows; the tests every contract shares (discovery, an
 * unknown option key, capabilities, here with a store's non-blank location) come from there.
 *
 * <p>Stores are opened through {@link Lifeboat} with {@link #options()}. Damage tests need a
 * provider that implements {@link dev.lifeboat.spi.fault.SupportsFaultInjection}.
 */
public abstract non-sealed class ShuffleBlockStoreContract
        extends BackendContract<ShuffleBlockStoreProvider, ShuffleBlockStore> {
    private static final long SEED = 0x5B0F_F1EL;

    @Override
    final ShuffleBlockStoreProvider discoveredProvider(URI uri) {
        return Lifeboat.shuffleBlockStoreProvider(uri);
    }

    @Override
    final ShuffleBlockStore openThroughLifeboat(URI root, Map<String, String> options) throws IOException {
        return Lifeboat.openShuffleBlockStore(root, options);
    }

    @Override
    final Set<Capability> capabilitiesOf(ShuffleBlockStore store) {
        return store.capabilities();
    }

    /** Every store names where its blocks are. */
    @Override
    final void assertOpened(ShuffleBlockStore store) {
        assertThat(store.location()).isNotBlank();
    }

    // ---------------------------------------------------------------- write, commit, read

    @Test
    public void committedBlocksReadBackVerified() throws IOException {
        URI root = newRoot();
        byte[][] blocks = {bytes(0, 1000), bytes(1, 70_000), bytes(2, 1), bytes(3, 300_000)};
        try (ShuffleBlockStore store = openStore(root)) {
            MapOutputId id = MapOutputId.of(1, 7, 0);
            MapStatus status = write(store, id, blocks);
            assertThat(status.id()).isEqualTo(id);
            assertThat(status.location()).isEqualTo(store.location());
            assertThat(status.numPartitions()).isEqualTo(blocks.length);
            for (int r = 0; r < blocks.length; r++) {
                assertThat(status.length(r)).as("length of partition %d", r).isEqualTo(blocks[r].length);
                assertThat(status.checksum(r)).as("CRC32C of partition %d", r).isEqualTo(Payloads.crc32c(blocks[r]));
                assertThat(status.blockId(r).toString()).isEqualTo("shuffle_1_7_" + r);
                assertThat(store.readBlock(status, r)).as("block %d", r).isEqualTo(blocks[r]);
            }
            try (InputStream in = store.openBlock(status, 3)) {
                byte[] buffer = new byte[1000];
                int n = in.readNBytes(buffer, 0, buffer.length);
                assertThat(n).isEqualTo(1000);
                assertThat(buffer).isEqualTo(Arrays.copyOf(blocks[3], 1000));
                assertThat(in.readAllBytes()).isEqualTo(Arrays.copyOfRange(blocks[3], 1000, blocks[3].length));
            }
            try (ShuffleBlockStore other = openStore(root)) {
                assertThat(other.readBlock(status, 1))
                        .as("a block read by another instance")
                        .isEqualTo(blocks[1]);
            }
        }
    }

    @Test
    public void emptyAndSkippedPartitionsReadAsEmpty() throws IOException {
        try (ShuffleBlockStore store = openStore(newRoot())) {
            MapStatus status;
            try (MapOutputWriter writer = store.openMapOutput(MapOutputId.of(2, 0, 0), 6)) {
                writer.openPartition(1).close(); // opened, nothing written
                writer.writePartition(3, bytes(3, 5000));
                // 0, 2, 4 and 5 skipped
                status = writer.commit();
            }
            assertThat(status.numPartitions()).isEqualTo(6);
            for (int r = 0; r < 6; r++) {
                byte[] expected = r == 3 ? bytes(3, 5000) : new byte[0];
                assertThat(status.length(r)).as("length of partition %d", r).isEqualTo(expected.length);
                assertThat(store.readBlock(status, r)).as("partition %d", r).isEqualTo(expected);
            }
            MapStatus nothing;
            try (MapOutputWriter writer = store.openMapOutput(MapOutputId.of(2, 1, 0), 3)) {
                nothing = writer.commit();
            }
            assertThat(nothing.totalBytes()).isZero();
            assertThat(store.readBlock(nothing, 2)).isEmpty();
            MapStatus none;
            try (MapOutputWriter writer = store.openMapOutput(MapOutputId.of(2, 2, 0), 0)) {
                none = writer.commit();
            }
            assertThat(none.numPartitions()).isZero();
        }
    }

    @Test
    public void partitionsOutOfOrderOrRangeAreRejected() throws IOException {
        try (ShuffleBlockStore store = openStore(newRoot());
                MapOutputWriter writer = store.openMapOutput(MapOutputId.of(3, 0, 0), 5)) {
            writer.writePartition(2, bytes(2, 10));
            assertThatThrownBy(() -> writer.openPartition(1))
                    .as("a partition before the last one")
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> writer.openPartition(2))
                    .as("the same partition again")
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> writer.openPartition(5))
                    .as("a partition out of range")
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> writer.openPartition(-1))
                    .as("a negative partition")
                    .isInstanceOf(IllegalArgumentException.class);
        }
        try (ShuffleBlockStore store = openStore(newRoot())) {
            assertThatThrownBy(() ->
                            store.openMapOutput(MapOutputId.of(3, 1, 0), -1).close())
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    public void writerUseAfterCommitOrAbortIsIllegalState() throws IOException {
        try (ShuffleBlockStore store = openStore(newRoot())) {
            MapOutputWriter committed = store.openMapOutput(MapOutputId.of(4, 0, 0), 3);
            committed.writePartition(0, bytes(0, 10));
            MapStatus status = committed.commit();
            assertThatThrownBy(() -> committed.openPartition(1)).isInstanceOf(IllegalStateException.class);
            committed.close();
            committed.close();
            assertThat(store.readBlock(status, 0))
                    .as("closing a committed writer keeps its output")
                    .isEqualTo(bytes(0, 10));

            MapOutputWriter aborted = store.openMapOutput(MapOutputId.of(4, 1, 0), 3);
            aborted.writePartition(0, bytes(1, 10));
            aborted.close();
            aborted.close();
            assertThatThrownBy(() -> aborted.openPartition(1)).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    public void abortedAttemptDoesNotWin() throws IOException {
        try (ShuffleBlockStore store = openStore(newRoot())) {
            try (MapOutputWriter aborted = store.openMapOutput(MapOutputId.of(5, 3, 0), 2)) {
                aborted.writePartition(0, bytes(0, 100));
            }
            MapStatus status = write(store, MapOutputId.of(5, 3, 1), new byte[][] {bytes(1, 100), bytes(2, 100)});
            assertThat(status.id().attempt()).as("the attempt that committed").isEqualTo(1);
            assertThat(store.readBlock(status, 0)).isEqualTo(bytes(1, 100));
        }
    }

    @Test
    public void twoAttemptsOfOneMapTaskHaveOneWinner() throws IOException {
        try (ShuffleBlockStore store = openStore(newRoot())) {
            MapOutputWriter first = store.openMapOutput(MapOutputId.of(6, 0, 0), 2);
            MapOutputWriter second = store.openMapOutput(MapOutputId.of(6, 0, 1), 2);
            first.writePartition(0, bytes(10, 4000));
            second.writePartition(0, bytes(20, 3000));
            first.writePartition(1, bytes(11, 4000));
            second.writePartition(1, bytes(21, 3000));
            MapStatus winner = second.commit();
            MapStatus loser = first.commit();
            first.close();
            second.close();
            assertThat(winner.id().attempt()).isEqualTo(1);
            assertThat(loser).as("the later commit returns the winner's status").isEqualTo(winner);
            assertThat(store.readBlock(loser, 0)).isEqualTo(bytes(20, 3000));
            assertThat(store.readBlock(loser, 1)).isEqualTo(bytes(21, 3000));
        }
    }

    @Test
    public void attemptsRacingToCommitAgreeOnTheWinner() throws Exception {
        int attempts = 6;
        try (ShuffleBlockStore store = openStore(newRoot())) {
            for (int map = 0; map < 3; map++) {
                long mapId = map;
                CyclicBarrier barrier = new CyclicBarrier(attempts);
                MapStatus[] statuses = new MapStatus[attempts];
                AtomicReference<Throwable> failure = new AtomicReference<>();
                List<Thread> threads = new ArrayList<>();
                for (int a = 0; a < attempts; a++) {
                    int attempt = a;
                    Thread t = new Thread(
                            () -> {
                                try (MapOutputWriter w = store.openMapOutput(MapOutputId.of(7, mapId, attempt), 3)) {
                                    for (int r = 0; r < 3; r++) {
                                        w.writePartition(r, attemptBytes(attempt, r));
                                    }
                                    barrier.await(60, TimeUnit.SECONDS);
                                    statuses[attempt] = w.commit();
                                } catch (Throwable e) {
                                    failure.compareAndSet(null, e);
                                }
                            },
                            "shuffle-contract-attempt-" + a);
                    threads.add(t);
                    t.start();
                }
                for (Thread t : threads) {
                    t.join();
                }
                if (failure.get() != null) {
                    throw new AssertionError("an attempt failed to commit", failure.get());
                }
                MapStatus winner = statuses[0];
                for (MapStatus s : statuses) {
                    assertThat(s)
                            .as("map %d: every commit returns the winner's status", map)
                            .isEqualTo(winner);
                }
                for (int r = 0; r < 3; r++) {
                    assertThat(store.readBlock(winner, r))
                            .as("map %d block %d", map, r)
                            .isEqualTo(attemptBytes(winner.id().attempt(), r));
                }
            }
        }
    }

    @Test
    public void mapStatusRoundTripsThroughBytes() throws IOException {
        try (ShuffleBlockStore store = openStore(newRoot())) {
            MapStatus status =
                    write(store, MapOutputId.of(8, 42, 3), new byte[][] {bytes(0, 10), new byte[0], bytes(2, 99)});
            MapStatus back = MapStatus.fromBytes(status.toBytes());
            assertThat(back).isEqualTo(status);
            assertThat(back.location()).isEqualTo(status.location());
            assertThat(store.readBlock(back, 2)).isEqualTo(bytes(2, 99));
        }
    }

    @Test
    public void concurrentMapWritersOfOneShuffle() throws Exception {
        int maps = 8;
        try (ShuffleBlockStore store = openStore(newRoot())) {
            MapStatus[] statuses = new MapStatus[maps];
            AtomicReference<Throwable> failure = new AtomicReference<>();
            List<Thread> threads = new ArrayList<>();
            for (int m = 0; m < maps; m++) {
                int map = m;
                Thread t = new Thread(
                        () -> {
                            try {
                                statuses[map] = write(store, MapOutputId.of(9, map, 0), new byte[][] {
                                    bytes(map * 4, 20_000), bytes(map * 4 + 1, 20_000)
                                });
                            } catch (Throwable e) {
                                failure.compareAndSet(null, e);
                            }
                        },
                        "shuffle-contract-map-" + m);
                threads.add(t);
                t.start();
            }
            for (Thread t : threads) {
                t.join();
            }
            if (failure.get() != null) {
                throw new AssertionError("a map writer failed", failure.get());
            }
            for (int m = 0; m < maps; m++) {
                assertThat(store.readBlock(statuses[m], 1)).isEqualTo(bytes(m * 4 + 1, 20_000));
            }
        }
    }

    @Test
    public void committedMapOutputsListsTheWinners() throws IOException {
        try (ShuffleBlockStore store = openStore(newRoot())) {
            MapStatus b = write(store, MapOutputId.of(11, 1, 0), new byte[][] {bytes(0, 10)});
            MapStatus a = write(store, MapOutputId.of(10, 5, 2), new byte[][] {bytes(1, 10)});
            try (MapOutputWriter loser = store.openMapOutput(MapOutputId.of(11, 1, 1), 1)) {
                loser.writePartition(0, bytes(2, 10));
                loser.commit();
            }
            try (MapOutputWriter aborted = store.openMapOutput(MapOutputId.of(11, 2, 0), 1)) {
                aborted.writePartition(0, bytes(3, 10));
            }
            List<MapStatus> listed;
            try {
                listed = store.committedMapOutputs();
            } catch (UnsupportedOperationException e) {
                abort("backend cannot enumerate its map outputs: " + e.getMessage());
                return;
            }
            assertThat(listed).containsExactly(a, b);
        }
    }

    // ---------------------------------------------------------------- loss

    @Test
    public void missingMapOutputIsUnavailableWithBlockLocationAndScope() throws IOException {
        URI root = newRoot();
        StorageFaults faults = faults(root);
        try (ShuffleBlockStore store = openStore(root)) {
            MapStatus lost = write(store, MapOutputId.of(12, 0, 0), new byte[][] {bytes(0, 1000), bytes(1, 1000)});
            MapStatus kept = write(store, MapOutputId.of(12, 1, 0), new byte[][] {bytes(2, 1000), bytes(3, 1000)});
            List<StoredObject> data = dataOf(faults, lost);
            for (StoredObject o : data) {
                faults.delete(o);
            }
            for (int r = 0; r < 2; r++) {
                assertUnavailable(store, lost, r);
            }
            assertThat(store.readBlock(kept, 1))
                    .as("another map output at the same location")
                    .isEqualTo(bytes(3, 1000));
        }
    }

    @Test
    public void corruptBlockIsUnavailableNeverWrongBytes() throws IOException {
        URI root = newRoot();
        StorageFaults faults = faults(root);
        try (ShuffleBlockStore store = openStore(root)) {
            byte[][] blocks = {bytes(0, 16_384), bytes(1, 16_384), bytes(2, 16_384)};
            MapStatus status = write(store, MapOutputId.of(13, 0, 0), blocks);
            StoredObject target = dataOf(faults, status).stream()
                    .max(Comparator.comparingLong(StoredObject::length))
                    .orElseThrow();
            faults.flipByte(target, target.length() / 2);
            int unavailable = 0;
            for (int r = 0; r < blocks.length; r++) {
                byte[] read = null;
                try {
                    read = store.readBlock(status, r);
                } catch (BlockUnavailableException e) {
                    assertBlockUnavailable(e, status, r);
                    unavailable++;
                }
                if (read != null) {
                    assertThat(read)
                            .as("block %d is either correct or unavailable", r)
                            .isEqualTo(blocks[r]);
                }
            }
            assertThat(unavailable)
                    .as("blocks reported unavailable after a flipped byte in %s", target.name())
                    .isGreaterThanOrEqualTo(1);
        }
    }

    /**
     * Bytes appended to a map output's data: every block still reads back its own bytes, yet the
     * stored output no longer is what was committed, so reading it reports the damage (the data's
     * length against the status) instead of serving from a file that something else wrote to.
     */
    @Test
    public void bytesAppendedToTheDataAreReported() throws IOException {
        URI root = newRoot();
        StorageFaults faults = faults(root);
        try (ShuffleBlockStore store = openStore(root)) {
            byte[][] blocks = {bytes(0, 1000), bytes(1, 1000)};
            MapStatus status = write(store, MapOutputId.of(16, 0, 0), blocks);
            MapStatus other = write(store, MapOutputId.of(16, 1, 0), new byte[][] {bytes(2, 100)});
            StoredObject target = dataOf(faults, status).stream()
                    .max(Comparator.comparingLong(StoredObject::length))
                    .orElseThrow();
            try {
                faults.append(target, new byte[] {9, 9, 9});
            } catch (UnsupportedOperationException e) {
                org.junit.jupiter.api.Assumptions.abort(
                        "the backend's fault injection cannot append: " + e.getMessage());
            }
            try (ShuffleBlockStore reader = openStore(root)) {
                for (int r = 0; r < blocks.length; r++) {
                    assertUnavailable(reader, status, r);
                }
                assertThat(reader.readBlock(other, 0)).as("another map output").isEqualTo(bytes(2, 100));
            }
        }
    }

    @Test
    public void removedShuffleIsUnavailable() throws IOException {
        try (ShuffleBlockStore store = openStore(newRoot())) {
            MapStatus removed = write(store, MapOutputId.of(14, 0, 0), new byte[][] {bytes(0, 100), bytes(1, 100)});
            MapStatus other = write(store, MapOutputId.of(15, 0, 0), new byte[][] {bytes(2, 100)});
            store.removeShuffle(14);
            store.removeShuffle(14); // idempotent
            store.removeShuffle(999); // never existed
            assertThatThrownBy(() -> store.removeShuffle(-1))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("-1");
            assertUnavailable(store, removed, 0);
            assertUnavailable(store, removed, 1);
            assertThat(store.readBlock(other, 0)).as("another shuffle").isEqualTo(bytes(2, 100));
        }
    }

    @Test
    public void blocksOutliveTheStoreInstanceThatWroteThem() throws IOException {
        assumeCapability(Capability.SHUFFLE_BLOCKS_OUTLIVE_EXECUTOR);
        URI root = newRoot();
        MapStatus status;
        try (ShuffleBlockStore writer = openStore(root)) {
            status = write(writer, MapOutputId.of(16, 0, 0), new byte[][] {bytes(0, 5000), bytes(1, 5000)});
        }
        try (ShuffleBlockStore reader = openStore(root)) {
            assertThat(reader.readBlock(status, 0)).isEqualTo(bytes(0, 5000));
            assertThat(reader.readBlock(MapStatus.fromBytes(status.toBytes()), 1))
                    .isEqualTo(bytes(1, 5000));
        }
    }

    @Test
    public void storeUseAfterCloseIsIllegalState() throws IOException {
        ShuffleBlockStore store = openStore(newRoot());
        MapStatus status = write(store, MapOutputId.of(17, 0, 0), new byte[][] {bytes(0, 10)});
        store.close();
        store.close();
        assertThatThrownBy(() -> store.openMapOutput(MapOutputId.of(17, 1, 0), 1))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> store.openBlock(status, 0)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> store.removeShuffle(17)).isInstanceOf(IllegalStateException.class);
    }

    // ---------------------------------------------------------------- helpers for subclasses

    /** Opens the store at {@code root} through {@link Lifeboat} with {@link #options()}. */
    protected final ShuffleBlockStore openStore(URI root) throws IOException {
        return Lifeboat.openShuffleBlockStore(root, optionsWith(Map.of()));
    }

    /** Writes every partition of {@code blocks} in order and commits. */
    protected static MapStatus write(ShuffleBlockStore store, MapOutputId id, byte[][] blocks) throws IOException {
        try (MapOutputWriter writer = store.openMapOutput(id, blocks.length)) {
            for (int r = 0; r < blocks.length; r++) {
                try (OutputStream out = writer.openPartition(r)) {
                    // Several writes per block, as a sorter spilling records would do.
                    for (int off = 0; off < blocks[r].length; off += 8192) {
                        out.write(blocks[r], off, Math.min(8192, blocks[r].length - off));
                    }
                }
            }
            return writer.commit();
        }
    }

    /** Deterministic bytes. */
    protected static byte[] bytes(int index, int length) {
        return Payloads.bytes(SEED, index, length);
    }

    /** Asserts that reading block {@code reduceId} of {@code status} fails as unavailable. */
    protected static void assertUnavailable(ShuffleBlockStore store, MapStatus status, int reduceId) {
        Throwable t = catchThrowable(() -> readFully(store, status, reduceId));
        assertThat(t).as("reading block %d of %s", reduceId, status).isInstanceOf(BlockUnavailableException.class);
        assertBlockUnavailable((BlockUnavailableException) t, status, reduceId);
    }

    private static void assertBlockUnavailable(BlockUnavailableException e, MapStatus status, int reduceId) {
        assertThat(e.blockId()).as("block id in %s", e.getMessage()).isEqualTo(status.blockId(reduceId));
        assertThat(e.location()).as("location in %s", e.getMessage()).isEqualTo(status.location());
        assertThat(e.scope()).as("scope in %s", e.getMessage()).isNotNull();
    }

    private static void readFully(ShuffleBlockStore store, MapStatus status, int reduceId) throws IOException {
        try (InputStream in = store.openBlock(status, reduceId)) {
            in.readAllBytes();
        }
    }

    private static byte[] attemptBytes(int attempt, int reduceId) {
        return bytes(1000 + attempt * 10 + reduceId, 2000 + attempt * 100);
    }

    private static List<StoredObject> dataOf(StorageFaults faults, MapStatus status) throws IOException {
        String key = status.id().shuffleId() + "/" + status.id().mapId();
        List<StoredObject> all = faults.list(StoredKind.SHUFFLE_DATA);
        List<StoredObject> data = all.stream().filter(o -> o.key().equals(key)).collect(Collectors.toList());
        assertThat(data)
                .as(
                        "SHUFFLE_DATA objects with key %s among %s",
                        key, all.stream().map(StoredObject::key).collect(Collectors.toList()))
                .isNotEmpty();
        return data;
    }
}
