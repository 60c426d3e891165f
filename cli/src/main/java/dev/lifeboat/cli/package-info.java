/**
 * The {@code lifeboat} command, with every backend the project ships on its class path: {@code demo}
 * (batch and streaming, on any store URIs), {@code inspect} (verifies every checksum of what is
 * stored at a URI), {@code tck} (the compatibility kit against the backend serving a URI, in
 * {@code dev.lifeboat.cli.tck}) and {@code capabilities} (the capability matrix).
 */
package dev.lifeboat.cli;
