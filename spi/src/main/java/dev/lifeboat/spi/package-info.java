/**
 * The entry point of Lifeboat's four storage contracts: discovery of backends by URI scheme
 * ({@link dev.lifeboat.spi.Lifeboat}), the provider base ({@link dev.lifeboat.spi.BackendProvider}),
 * declared {@link dev.lifeboat.spi.Capability capabilities}, validated {@link dev.lifeboat.spi.Options
 * options}, and the errors that callers branch on: {@link dev.lifeboat.spi.CorruptDataException},
 * {@link dev.lifeboat.spi.FencedException}, {@link dev.lifeboat.spi.OutcomeUnknownException} and
 * {@link dev.lifeboat.spi.ConcurrentWriterException}.
 *
 * <p><b>Stability.</b> Public API (see {@code VERSIONING.md}). Before 1.0 a minor release may
 * still change it; new methods on SPI interfaces are added as {@code default} methods so that
 * existing backends keep compiling, and a stricter exception or a weaker guarantee counts as a
 * breaking change even when the signatures stay the same.
 */
package dev.lifeboat.spi;
