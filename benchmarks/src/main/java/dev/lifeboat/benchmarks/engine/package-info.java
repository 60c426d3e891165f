/** Engine suites: jobs of the execution core with and without injected failures. */
package dev.lifeboat.benchmarks.engine;
