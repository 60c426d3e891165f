package dev.lifeboat.runtime.fault;

/** How an executor dies. Either way its tasks, blocks and executor-local map outputs are gone. */
public enum KillMode {
    /**
     * Like a crashed or partitioned process: heartbeats stop and nothing is said. The driver finds
     * out when the heartbeat timeout ({@code lifeboat.network.timeout}) expires, when it tries to
     * launch a task there, or when reducers fail to fetch its map outputs.
     */
    SILENT,
    /** Like a process that exits after telling the driver: it is marked lost at once. */
    REPORTED,
}
