/**
 * The Azure Blob stores behind the providers of {@code dev.lifeboat.backend.azure}: settings,
 * the blob client wrapper (deadlines, retries, error mapping), layouts and stores.
 *
 * <p><b>Stability.</b> Internal: not API, may change in any release.
 */
package dev.lifeboat.backend.azure.internal;
