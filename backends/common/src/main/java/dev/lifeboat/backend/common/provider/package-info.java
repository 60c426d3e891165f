/**
 * What every backend provider states the same way: its URI scheme, the capabilities it declares
 * and the options it takes ({@link dev.lifeboat.backend.common.provider.ProviderBase}).
 */
package dev.lifeboat.backend.common.provider;
