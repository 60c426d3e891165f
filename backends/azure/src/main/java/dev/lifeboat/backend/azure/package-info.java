/**
 * Lifeboat on Azure Blob Storage ({@code azblob://<account>/<container>/<prefix>}): the providers
 * of checkpoint stores, shuffle block stores, leader election and write-ahead logs, found by
 * {@link java.util.ServiceLoader}. See {@code docs/backends/azure.md}.
 *
 * <p><b>Stability.</b> The provider classes are public API; their options are documented.
 */
package dev.lifeboat.backend.azure;
