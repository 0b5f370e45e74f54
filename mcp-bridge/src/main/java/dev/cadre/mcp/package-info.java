/** MCP server and client on the official MCP Java SDK (lands with the MCP bridge issue). */
package dev.cadre.mcp;
