/**
 * The implementation behind {@code dev.lifeboat.spark}: the version-neutral checkpoint files the
 * 3.5 and 4.1 managers adapt, the stores shared by every manager and shuffle component of one JVM,
 * the settings read from Spark's configuration, and the shuffle's writers and reader. Not API:
 * anything here may change in any release.
 */
package dev.lifeboat.spark.internal;
