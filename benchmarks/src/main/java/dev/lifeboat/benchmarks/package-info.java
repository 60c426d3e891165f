/** JMH suites that put every backend beside a raw-device baseline measured in the same run. Run them with {@code ./lifeboat bench}; {@code docs/benchmarks.md} says what each measures. */
package dev.lifeboat.benchmarks;
