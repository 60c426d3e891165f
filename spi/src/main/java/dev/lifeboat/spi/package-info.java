/**
 * Lifeboat's service provider interfaces: checkpoint stores, write-ahead logs, shuffle block
 * stores and leader election, found by URI scheme through {@link dev.lifeboat.spi.Lifeboat}.
 *
 * <h2>Arguments</h2>
 *
 * <p>One rule holds for every method of these interfaces, of their values and of every backend:
 * <ul>
 *   <li>A {@code null} argument (or a {@code null} key or value inside an options map) is a
 *       {@link java.lang.NullPointerException} whose message names the parameter
 *       ({@code "id is null"}, {@code "options hold a null key"}), thrown before anything else is
 *       done. No parameter accepts {@code null}; pass {@code Map.of()} or {@code ""} for "none".
 *   <li>A non-null value that is not acceptable (a bad id or part name, a negative size or
 *       epoch, an unknown option key, a malformed option value, a URI without scheme) is an
 *       {@link java.lang.IllegalArgumentException} whose message names the value and the rule it
 *       breaks.
 *   <li>Use of a closed, committed or aborted object is an {@link java.lang.IllegalStateException}.
 * </ul>
 * The compatibility kit checks the rule for every backend.
 */
package dev.lifeboat.spi;
