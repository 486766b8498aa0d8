/** Upstreams of the gateway: a default (`*`) and per-module overrides, each with replicas. */
export interface GatewayUpstreams {
  default: string[] | undefined;
  modules: Record<string, string[]>;
}

/** "*=http://api:3000,identity=http://a:3000|http://b:3000" — origins only, no paths. */
export function parseGatewayUpstreams(spec: string): GatewayUpstreams | string {
  const out: GatewayUpstreams = { default: undefined, modules: {} };
  const entries = spec
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  if (entries.length === 0) return 'expected at least one entry like *=http://api:3000';
  for (const entry of entries) {
    const eq = entry.indexOf('=');
    const name = eq > 0 ? entry.slice(0, eq).trim() : '';
    if (name !== '*' && !/^[a-z][a-z0-9-]*$/.test(name))
      return `"${entry}": expected name=url, where name is * or a module name`;
    const urls: string[] = [];
    for (const raw of entry
      .slice(eq + 1)
      .split('|')
      .map((u) => u.trim())
      .filter(Boolean)) {
      let url: URL;
      try {
        url = new URL(raw);
      } catch {
        return `"${raw}" is not a URL`;
      }
      if (!/^https?:$/.test(url.protocol) || (url.pathname !== '/' && url.pathname !== '') || url.search)
        return `"${raw}": expected an http(s) origin such as http://api:3000, without a path`;
      urls.push(url.origin);
    }
    if (urls.length === 0) return `"${entry}": no upstream URL`;
    if (name === '*') {
      if (out.default) return 'the default upstream (*) is given twice';
      out.default = urls;
    } else {
      if (out.modules[name]) return `upstream "${name}" is given twice`;
      out.modules[name] = urls;
    }
  }
  return out;
}
