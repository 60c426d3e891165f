package dev.lifeboat.runtime.internal.lineage;

import static java.util.Objects.requireNonNull;

import java.util.function.BiFunction;
import java.util.function.BinaryOperator;
import java.util.function.Function;

/**
 * Combines the values of one key: {@code createCombiner} for the first value, {@code mergeValue}
 * for each further value, {@code mergeCombiners} for combiners made on different map tasks.
 */
public record Aggregator(
        Function<Object, Object> createCombiner,
        BiFunction<Object, Object, Object> mergeValue,
        BinaryOperator<Object> mergeCombiners) {
    public Aggregator {
        requireNonNull(createCombiner, "createCombiner is null");
        requireNonNull(mergeValue, "mergeValue is null");
        requireNonNull(mergeCombiners, "mergeCombiners is null");
    }
}
