/** Paths and query strings of API calls. */

/** Query values; `undefined` ones are left out. */
export type QueryValues = Readonly<Record<string, string | number | boolean | undefined>>;

/** Fills `{name}` placeholders of a route template with URL-encoded values. */
export function fillRoute(route: string, params: Readonly<Record<string, string>> = {}): string {
  return route.replace(/\{([A-Za-z0-9_]+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new TypeError(`route ${route}: no value for {${name}}`);
    return encodeURIComponent(value);
  });
}

/** Builds `?a=1&b=2` from the defined values, or '' when there are none. */
export function queryString(query: QueryValues = {}): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined) search.append(key, String(value));
  }
  const text = search.toString();
  return text.length === 0 ? '' : `?${text}`;
}
