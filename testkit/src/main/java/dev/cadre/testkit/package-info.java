/**
 * Testing crews without a model provider: {@link dev.cadre.testkit.ScriptedModel}, a LangChain4j chat model whose
 * replies are scripted per agent and turn, and AssertJ entry points for runs in {@link dev.cadre.testkit.CadreAssertions}.
 */
package dev.cadre.testkit;
