/** Shuffle suites: map output writes and block reads on every shuffle backend, beside raw files. */
package dev.lifeboat.benchmarks.shuffle;
