/**
 * Chat models from settings: {@link dev.cadre.models.ModelSettings} (provider, model name, base URL, API key,
 * timeout) become a LangChain4j {@code ChatModel} or {@code StreamingChatModel} through
 * {@link dev.cadre.models.ProviderModels}. The command line makes them from environment variables, the Spring Boot
 * starter from {@code cadre.models.<name>.*} properties.
 */
package dev.cadre.models;
