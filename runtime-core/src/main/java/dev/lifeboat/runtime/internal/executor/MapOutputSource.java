package dev.lifeboat.runtime.internal.executor;

import dev.lifeboat.spi.shuffle.MapStatus;
import java.util.List;
import java.util.Optional;

/** Where reducers learn which map outputs exist (the driver's map output tracker). */
public interface MapOutputSource {
    /** The registered output of each map partition of a shuffle, empty where none is. */
    List<Optional<MapStatus>> mapOutputs(int shuffleId);
}
