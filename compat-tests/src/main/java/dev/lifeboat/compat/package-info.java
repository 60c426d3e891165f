/**
 * The Lifeboat compatibility kit: one abstract JUnit 5 class per storage contract, which every
 * backend — Lifeboat's own and third parties' — extends in its tests and runs against a real
 * server.
 *
 * <ul>
 *   <li>{@link dev.lifeboat.compat.WriteAheadLogContract}
 *   <li>{@link dev.lifeboat.compat.CheckpointStoreContract}
 *   <li>{@link dev.lifeboat.compat.ShuffleBlockStoreContract}
 *   <li>{@link dev.lifeboat.compat.LeaderElectionContract}
 * </ul>
 *
 * <p>The four share one sealed base, {@link dev.lifeboat.compat.BackendContract}: its hooks, its
 * helpers, and the tests every contract runs the same way (discovery, an unknown option key,
 * capabilities). A backend's test extends the contract it implements, never the base.
 *
 * <p>A backend's test supplies three things: {@code provider()}, {@code newRoot()} (a fresh,
 * empty location on every call) and, if its server needs them, {@code options()}. Every instance
 * is opened through {@link dev.lifeboat.spi.Lifeboat}, so discovery by scheme and option-key
 * validation are tested too. Tests of a guarantee the provider does not declare
 * ({@link dev.lifeboat.spi.Capability}) are skipped with the capability named; damage tests need
 * a provider that implements {@link dev.lifeboat.spi.fault.SupportsFaultInjection}; crash tests
 * run a child JVM and kill it with {@code SIGKILL}. A backend that deviates on purpose overrides
 * the test method and asserts its documented behaviour.
 *
 * <p>The system property {@code lifeboat.compat.seed} shifts every random seed (crash moments);
 * {@code lifeboat.compat.child-jvm-args} adds JVM flags to crash-test children. See
 * {@code docs/writing-a-backend.md}.
 */
package dev.lifeboat.compat;
