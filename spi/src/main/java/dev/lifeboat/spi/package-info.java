/**
 * The entry point of Lifeboat's four storage contracts — checkpoint stores, write-ahead logs,
 * shuffle block stores and leader election: discovery of backends by URI scheme
 * ({@link dev.lifeboat.spi.Lifeboat}), the provider base ({@link dev.lifeboat.spi.BackendProvider}),
 * declared {@link dev.lifeboat.spi.Capability capabilities}, validated {@link dev.lifeboat.spi.Options
 * options}, and the errors that callers branch on: {@link dev.lifeboat.spi.CorruptDataException},
 * {@link dev.lifeboat.spi.FencedException}, {@link dev.lifeboat.spi.OutcomeUnknownException} and
 * {@link dev.lifeboat.spi.ConcurrentWriterException}.
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
 *
 * <h2>Stability</h2>
 *
 * <p>Public API (see {@code VERSIONING.md}). Before 1.0 a minor release may still change it; new
 * methods on SPI interfaces are added as {@code default} methods so that existing backends keep
 * compiling, and a stricter exception or a weaker guarantee counts as a breaking change even when
 * the signatures stay the same.
 */
package dev.lifeboat.spi;
