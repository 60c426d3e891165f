/**
 * The leader election contract: a {@link dev.lifeboat.spi.election.Candidate} joins a group of a
 * {@link dev.lifeboat.spi.election.LeaderElection}; at most one holds a {@link
 * dev.lifeboat.spi.election.Leadership} at a time, each with an epoch (fencing token) greater than
 * every earlier one, and its {@link dev.lifeboat.spi.election.LeadershipListener} hears of election
 * and of loss (with a {@link dev.lifeboat.spi.election.LossReason}). Backends implement
 * {@link dev.lifeboat.spi.election.LeaderElectionProvider}.
 *
 * <p><b>Stability.</b> Public API; the interfaces only gain {@code default} methods before 1.0.
 */
package dev.lifeboat.spi.election;
