/** The benchmark runner: profiles, machine description, stack profiles of missed targets, the report. */
package dev.lifeboat.benchmarks.runner;
