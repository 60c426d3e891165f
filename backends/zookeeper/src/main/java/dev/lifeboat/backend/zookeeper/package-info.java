/**
 * Lifeboat's leader election on ZooKeeper, scheme {@code zk}: its own recipe on Curator, with the
 * epoch raised in one ZooKeeper transaction before a leader is told it was elected and SUSPENDED
 * treated as a pause, not a loss. Options and timings are documented in {@code
 * docs/backends/zookeeper.md}.
 */
package dev.lifeboat.backend.zookeeper;
