/** Lineage: the nodes of a dataset's graph, its narrow and shuffle dependencies, partitioners and aggregators, and the printer behind {@code toDebugString}. Not API. */
package dev.lifeboat.runtime.internal.lineage;
