/** Chronicle suites: the Lifeboat log on Chronicle beside Chronicle's own appender and tailer. */
package dev.lifeboat.benchmarks.chronicle;
