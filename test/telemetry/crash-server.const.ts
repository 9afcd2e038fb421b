/** The bearer token the crash test's child server accepts (a test value, not a secret). */
export const CRASH_TOKEN = 'crash-test-bearer-token-0123456789';
