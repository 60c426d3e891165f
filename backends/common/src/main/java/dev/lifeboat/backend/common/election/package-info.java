/**
 * Shared leader-election machinery: what an election does around its candidates (checking
 * participant ids, one candidate per id and connection, refusing joins once closed, closing every
 * candidate before the connection they use), so that a backend writes only its candidate: how it
 * competes, renews and fences on its storage.
 */
package dev.lifeboat.backend.common.election;
