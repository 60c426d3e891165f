/**
 * The ZooKeeper election recipe, its settings and znode layout. Not API: these classes may
 * change in any release; use {@link dev.lifeboat.backend.zookeeper.ZooKeeperLeaderElectionProvider}
 * through {@link dev.lifeboat.spi.Lifeboat}.
 */
package dev.lifeboat.backend.zookeeper.internal;
