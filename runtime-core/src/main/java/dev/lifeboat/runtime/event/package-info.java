/** What an engine reports as it runs and recovers: {@link dev.lifeboat.runtime.event.EngineEvent}s for listeners. */
package dev.lifeboat.runtime.event;
