/** Loopback hosts (a leaf any room may import, like errors.ts): where plain HTTP stays on the machine. */

/** True for a URL hostname that names this machine: localhost, *.localhost, 127.0.0.0/8, [::1]. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  return (
    host === 'localhost' ||
    host.endsWith('.localhost') ||
    host === '[::1]' ||
    /^127(?:\.\d{1,3}){3}$/.test(host)
  );
}
