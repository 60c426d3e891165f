package dev.lifeboat.backend.zookeeper.internal;

import static java.util.Objects.requireNonNull;

import org.apache.curator.utils.DefaultZookeeperFactory;
import org.apache.curator.utils.ZookeeperFactory;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.client.ZKClientConfig;

/**
 * Creates Curator's ZooKeeper handles with a watcher that sees a session's expiry before Curator
 * does.
 *
 * <p>Curator handles an Expired event by closing the old handle first, which sends the server a
 * {@code closeSession} when the connection still works (as with ZooKeeper's own
 * {@code injectSessionExpiration} test hook, or Curator's simulated expiry), so the server
 * deletes the leader's ephemeral node and another candidate may be elected; only then does
 * Curator post LOST. This tap runs {@code onExpired} on ZooKeeper's event thread <em>before</em>
 * Curator's handling, and {@code onExpired} waits (briefly) until every leader of the session has
 * been told {@code lost}: a leader whose client notices the expiry reports the loss before its
 * node can disappear.
 */
final class SessionExpiryTap implements ZookeeperFactory {
    private final ZookeeperFactory delegate = new DefaultZookeeperFactory();
    private volatile Runnable onExpired = () -> {};

    /** Sets what runs, on ZooKeeper's event thread, when a session of this client expires. */
    void onExpired(Runnable action) {
        this.onExpired = requireNonNull(action, "action is null");
    }

    @Override
    public ZooKeeper newZooKeeper(String connectString, int sessionTimeout, Watcher watcher, boolean canBeReadOnly)
            throws Exception {
        return delegate.newZooKeeper(connectString, sessionTimeout, tap(watcher), canBeReadOnly);
    }

    @Override
    public ZooKeeper newZooKeeper(
            String connectString, int sessionTimeout, Watcher watcher, boolean canBeReadOnly, ZKClientConfig config)
            throws Exception {
        return delegate.newZooKeeper(connectString, sessionTimeout, tap(watcher), canBeReadOnly, config);
    }

    private Watcher tap(Watcher curator) {
        return event -> {
            if (event.getType() == Watcher.Event.EventType.None
                    && event.getState() == Watcher.Event.KeeperState.Expired) {
                onExpired.run();
            }
            curator.process(event);
        };
    }
}
