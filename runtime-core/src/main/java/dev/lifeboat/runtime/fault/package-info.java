/** Public fault injection: kill executors, lose or damage shuffle output, fail or slow tasks. */
package dev.lifeboat.runtime.fault;
