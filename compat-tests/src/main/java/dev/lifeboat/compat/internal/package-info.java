/**
 * Helpers of the compatibility kit: the crash-test child mains and their launcher, argument
 * encoding, deterministic payloads, polling, and a fault-injecting HTTP proxy for the tests of
 * backends that talk to a storage service over HTTP. Not API: names and behaviour may change in any
 * release.
 */
package dev.lifeboat.compat.internal;
