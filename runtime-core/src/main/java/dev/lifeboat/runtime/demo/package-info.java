/** The runnable demos behind {@code ./lifeboat demo}: a word count that survives injected executor loss, lost blocks, failing tasks and a straggler, and a streaming query whose driver is killed and replaced. Each prints its recovery timeline and checks its result. */
package dev.lifeboat.runtime.demo;
