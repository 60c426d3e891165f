/** Executors inside the driver JVM: task running, heartbeats, local block storage and shuffle writing, and the fault hooks that kill them. Not API. */
package dev.lifeboat.runtime.internal.executor;
