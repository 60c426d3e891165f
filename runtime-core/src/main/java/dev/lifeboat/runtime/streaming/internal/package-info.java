/** Implementation of the streaming engine: the versioned state store and driver processes. Not API. */
package dev.lifeboat.runtime.streaming.internal;
