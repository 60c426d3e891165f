/**
 * Implementation of the S3 backend; not API. {@link dev.lifeboat.backend.s3.internal.ObjectStore}
 * is the only class that talks to the SDK: it configures deadlines and retries once and maps the
 * SDK's failures to what the stores act on (absent, precondition failed, outcome unknown).
 */
package dev.lifeboat.backend.s3.internal;
