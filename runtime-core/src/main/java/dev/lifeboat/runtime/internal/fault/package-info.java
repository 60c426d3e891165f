/** The plan that turns the public fault-injection calls into events the scheduler and executors act on. Not API. */
package dev.lifeboat.runtime.internal.fault;
