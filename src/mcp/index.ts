/** The MCP room's public surface (issue 17): the MCP face of the server's call pipeline. */
export { mcpEndpoint, MCP_PATH } from './http-endpoint.js';
export { createMcpServer } from './mcp-server.js';
export type { McpCaller, McpServerInfo } from './mcp-server.js';
export { serveStdio } from './stdio.js';
export { callResult, listedTool } from './tool-result.js';
