package dev.lifeboat.runtime.internal.scheduler;

import dev.lifeboat.spi.shuffle.MapStatus;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The driver's record of which map output each map partition of each shuffle uses, and on which
 * executor it was written. Tasks get a copy of the part they read when they are launched.
 */
public final class MapOutputTracker {
    private final Map<Integer, Output[]> outputs = new HashMap<>();

    /** A registered map output. */
    public record Output(MapStatus status, int executorId) {}

    /** A map output that was unregistered. */
    public record Lost(int shuffleId, int mapPartition, Output output) {}

    synchronized void registerShuffle(int shuffleId, int numMaps) {
        outputs.putIfAbsent(shuffleId, new Output[numMaps]);
    }

    /** Registers the output of a map partition, unless one is registered already (the first wins). */
    synchronized boolean register(int shuffleId, int mapPartition, MapStatus status, int executorId) {
        Output[] maps = maps(shuffleId);
        if (maps[mapPartition] != null) {
            return false;
        }
        maps[mapPartition] = new Output(status, executorId);
        return true;
    }

    synchronized List<Integer> missing(int shuffleId) {
        Output[] maps = maps(shuffleId);
        List<Integer> result = new ArrayList<>();
        for (int m = 0; m < maps.length; m++) {
            if (maps[m] == null) {
                result.add(m);
            }
        }
        return result;
    }

    synchronized boolean isComplete(int shuffleId) {
        return missing(shuffleId).isEmpty();
    }

    /** The registered output of each map partition of a shuffle, empty where none is. */
    synchronized List<Optional<MapStatus>> mapOutputs(int shuffleId) {
        List<Optional<MapStatus>> result = new ArrayList<>();
        for (Output o : maps(shuffleId)) {
            result.add(o == null ? Optional.empty() : Optional.of(o.status()));
        }
        return result;
    }

    /** Unregisters one map output, if it is still the registered one. */
    synchronized List<Lost> unregister(int shuffleId, int mapPartition, long mapId) {
        Output[] maps = maps(shuffleId);
        Output o = maps[mapPartition];
        if (o != null && o.status().id().mapId() == mapId) {
            maps[mapPartition] = null;
            return List.of(new Lost(shuffleId, mapPartition, o));
        }
        return List.of();
    }

    /** Unregisters every output stored at a location, in every shuffle. */
    synchronized List<Lost> unregisterLocation(String location) {
        return unregisterIf(o -> o.status().location().equals(location));
    }

    /** Unregisters every output an executor wrote, in every shuffle. */
    synchronized List<Lost> unregisterExecutor(int executorId) {
        return unregisterIf(o -> o.executorId() == executorId);
    }

    /** Unregisters every output of one shuffle stored at a location. */
    synchronized List<Lost> unregisterShuffleAt(int shuffleId, String location) {
        List<Lost> lost = new ArrayList<>();
        Output[] maps = maps(shuffleId);
        for (int m = 0; m < maps.length; m++) {
            if (maps[m] != null && maps[m].status().location().equals(location)) {
                lost.add(new Lost(shuffleId, m, maps[m]));
                maps[m] = null;
            }
        }
        return lost;
    }

    private List<Lost> unregisterIf(java.util.function.Predicate<Output> lostOutput) {
        List<Lost> lost = new ArrayList<>();
        for (Map.Entry<Integer, Output[]> e : outputs.entrySet()) {
            Output[] maps = e.getValue();
            for (int m = 0; m < maps.length; m++) {
                if (maps[m] != null && lostOutput.test(maps[m])) {
                    lost.add(new Lost(e.getKey(), m, maps[m]));
                    maps[m] = null;
                }
            }
        }
        return lost;
    }

    private Output[] maps(int shuffleId) {
        Output[] maps = outputs.get(shuffleId);
        if (maps == null) {
            throw new IllegalStateException("shuffle " + shuffleId + " is not registered");
        }
        return maps;
    }
}
