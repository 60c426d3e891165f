package dev.lifeboat.runtime;

/**
 * A key and a value: the record type of {@link PairDataset}s and of everything that crosses a
 * shuffle. Either component may be null. Equality and hash code are those of the components, so
 * keys must have a stable {@code hashCode} (strings, numbers, records of them).
 *
 * @param key the key; shuffles partition records by its hash code
 * @param value the value
 */
public record Pair<K, V>(K key, V value) {
    public static <K, V> Pair<K, V> of(K key, V value) {
        return new Pair<>(key, value);
    }

    @Override
    public String toString() {
        return "(" + key + ", " + value + ")";
    }
}
