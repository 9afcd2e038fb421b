/** What `genesys-tools demo` reads back from the execution server it started, to print it. */

/** The registry endpoint's tools as one line, or the HTTP status it answered. */
export async function readRegistryEndpoint(serverUrl: string, token: string): Promise<string> {
  const response = await fetch(`${serverUrl}/api/v1/tools/registry`, {
    headers: { authorization: `Bearer ${token}` },
  });
  const body: unknown = await response.json();
  if (!response.ok || !isRegistryView(body)) return `HTTP ${response.status}`;
  return body.tools
    .map((t) => `${t.name} (version ${String(t.version)}, ${t.status}, circuit ${t.circuit})`)
    .join('; ');
}

interface RegistryView {
  readonly tools: readonly {
    readonly name: string;
    readonly version: unknown;
    readonly status: string;
    readonly circuit: string;
  }[];
}

function isRegistryView(value: unknown): value is RegistryView {
  return (
    typeof value === 'object' && value !== null && 'tools' in value && Array.isArray(value.tools)
  );
}
