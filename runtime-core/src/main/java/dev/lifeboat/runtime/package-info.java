/**
 * A thin batch execution engine that recovers from the failures Apache Spark recovers from,
 * storing its shuffle outputs and checkpoints through the Lifeboat SPIs. Start an {@link
 * dev.lifeboat.runtime.Engine}, build {@link dev.lifeboat.runtime.Dataset}s from it, and run
 * actions; provoke failures with {@link dev.lifeboat.runtime.Engine#faults()} and watch the
 * recovery with an {@link dev.lifeboat.runtime.event.EngineListener}.
 *
 * <p>Packages named {@code internal} are not API.
 */
package dev.lifeboat.runtime;
