/** How records become bytes in shuffles and checkpoints; pluggable with {@code lifeboat.serializer}. */
package dev.lifeboat.runtime.serializer;
