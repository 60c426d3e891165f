package dev.lifeboat.runtime.internal.scheduler;

import static java.util.Objects.requireNonNull;

import dev.lifeboat.runtime.event.EngineEvent;
import dev.lifeboat.runtime.event.EngineListener;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Delivers events to listeners, synchronously, on the posting thread. */
public final class ListenerBus {
    private final List<EngineListener> listeners = new CopyOnWriteArrayList<>();

    public void add(EngineListener listener) {
        listeners.add(requireNonNull(listener, "listener is null"));
    }

    public void remove(EngineListener listener) {
        listeners.remove(listener);
    }

    public void post(EngineEvent event) {
        for (EngineListener listener : listeners) {
            try {
                listener.onEvent(event);
            } catch (RuntimeException e) {
                System.err.println("lifeboat: listener " + listener + " failed on " + event + ": " + e);
            }
        }
    }
}
