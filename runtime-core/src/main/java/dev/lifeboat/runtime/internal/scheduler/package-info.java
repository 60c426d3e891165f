/** The stage scheduler: jobs split into stages at shuffle dependencies, task sets with retry and speculation, the map output tracker and fetch-failure recovery, checkpointing and the listener bus. Not API. */
package dev.lifeboat.runtime.internal.scheduler;
