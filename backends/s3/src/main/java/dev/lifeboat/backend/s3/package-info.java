/**
 * Lifeboat on Amazon S3 and S3-compatible servers, scheme {@code s3} ({@code s3://bucket/prefix}):
 * write-ahead logs, checkpoint stores, shuffle block stores and leader election built on
 * conditional writes ({@code If-None-Match: *}, {@code If-Match}) instead of rename, copy or
 * append. The providers are found by {@link java.util.ServiceLoader} through
 * {@link dev.lifeboat.spi.Lifeboat}; options, capabilities and request costs are documented in
 * {@code docs/backends/s3.md}.
 */
package dev.lifeboat.backend.s3;
