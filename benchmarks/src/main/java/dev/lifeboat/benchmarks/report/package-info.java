/** Turns JMH results into the Markdown report with ratios to their baselines, targets and SVG charts. */
package dev.lifeboat.benchmarks.report;
