/** Leader election suites: fail-over time after a leader is killed, on every election backend. */
package dev.lifeboat.benchmarks.election;
