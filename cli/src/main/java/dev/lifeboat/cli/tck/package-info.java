/**
 * {@code lifeboat tck}: the compatibility kit's contracts run by the JUnit Platform launcher
 * against whatever backend serves a URI.
 */
package dev.lifeboat.cli.tck;
