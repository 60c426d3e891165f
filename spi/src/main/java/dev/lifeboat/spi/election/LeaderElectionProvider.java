package dev.lifeboat.spi.election;

import dev.lifeboat.spi.BackendProvider;

/**
 * Opens connections to election groups of one URI scheme. Registered in
 * {@code META-INF/services/dev.lifeboat.spi.election.LeaderElectionProvider}.
 */
public interface LeaderElectionProvider extends BackendProvider<LeaderElection> {}
