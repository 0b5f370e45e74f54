/**
 * The MCP bridge, on the official MCP Java SDK: {@link dev.cadre.mcp.CadreMcpServer} serves Cadre's tools, crews
 * (as tools), checkpoints, personas (as prompts) and run journals (as resources) over stdio or streamable HTTP;
 * {@link dev.cadre.mcp.McpClientTools} makes other MCP servers' tools into Cadre tools.
 */
package dev.cadre.mcp;
