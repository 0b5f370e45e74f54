/**
 * Tools for agents: a sandboxed workspace ({@link dev.cadre.tools.WorkspaceTools}), a process runner for
 * allow-listed commands ({@link dev.cadre.tools.CommandRunner}), git status and diff ({@link dev.cadre.tools.GitTools})
 * and an adapter for LangChain4j {@code @Tool} objects ({@link dev.cadre.tools.LangChain4jTools}).
 */
package dev.cadre.tools;
