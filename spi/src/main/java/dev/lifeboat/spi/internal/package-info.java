/** Provider discovery and caching behind {@link dev.lifeboat.spi.Lifeboat}. Not API: may change in any release. */
package dev.lifeboat.spi.internal;
