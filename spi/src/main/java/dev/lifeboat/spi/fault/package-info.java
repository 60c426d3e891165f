/**
 * Fault injection into stored data, for tests and the compatibility kit: a backend that implements
 * {@link dev.lifeboat.spi.fault.SupportsFaultInjection} hands out {@link
 * dev.lifeboat.spi.fault.StorageFaults} that list its {@link dev.lifeboat.spi.fault.StoredObject
 * stored objects} by {@link dev.lifeboat.spi.fault.StoredKind kind} and can lose, truncate or damage
 * them the way a crash or a bad disk would.
 *
 * <p><b>Stability.</b> Public API, but meant for tests; it may grow new fault kinds before 1.0.
 */
package dev.lifeboat.spi.fault;
