/** The chronicle backend's implementation; reached through the providers of the parent package. Not API: may change in any release. */
package dev.lifeboat.backend.chronicle.internal;
