/**
 * Helpers of the compatibility kit: the crash-test child mains and their launcher, argument
 * encoding, deterministic payloads, polling. Not API: names and behaviour may change in any
 * release.
 */
package dev.lifeboat.compat.internal;
