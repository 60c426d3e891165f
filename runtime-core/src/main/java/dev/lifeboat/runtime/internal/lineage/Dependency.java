package dev.lifeboat.runtime.internal.lineage;

/** How a node depends on a parent: narrow (pipelined in one task) or through a shuffle. */
public sealed interface Dependency permits NarrowDependency, ShuffleDependency {
    Node parent();
}
