/**
 * Micro-batch streaming with exactly-once output and driver fail-over.
 *
 * <p>A {@link dev.lifeboat.runtime.streaming.StreamingQuery} reads one {@link Source} in
 * micro-batches. Before a batch runs, its offsets are committed to the offset log
 * ({@code offsets/<batch>} in the checkpoint store, put-if-absent); its state delta goes to
 * {@code state/delta/<batch>} (with a full snapshot every few batches); its output goes to an
 * idempotent {@link Sink}; then {@code commits/<batch>} marks it done. Every checkpoint carries
 * the leader epoch of the driver that wrote it, so a store with
 * {@link dev.lifeboat.spi.Capability#CHECKPOINT_EPOCH_FENCING} refuses a deposed leader. A
 * restarted driver re-runs the batch that has offsets but no commit, with the same offsets.
 *
 * <p>{@link StreamingDriver} runs a query only while it leads an election;
 * {@link DriverSupervisor} restarts failed driver processes up to a limit.
 */
package dev.lifeboat.runtime.streaming;
