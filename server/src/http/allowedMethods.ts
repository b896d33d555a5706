/**
 * The methods the routes of an Express app take at a path, for a 405's `Allow` header: what Express's router
 * itself works out to answer `OPTIONS`, asked for any method. It reads the router's layers (their `match`, their
 * route's `methods`, a mounted router's own layers), which Express 5 keeps as plain properties; a layer without
 * them is passed over, so a router that changed its shape makes this answer fewer methods (at worst none, and the
 * request a 404), never a wrong route.
 */

interface LayerLike {
  match?: (path: string) => { path: string } | false;
  route?: { methods?: Record<string, boolean> };
  handle?: { stack?: unknown };
}

const isLayerList = (value: unknown): value is LayerLike[] => Array.isArray(value);

function collect(layers: readonly LayerLike[], path: string, into: Set<string>, depth: number): void {
  if (depth > 8) return;
  for (const layer of layers) {
    if (typeof layer.match !== 'function') continue;
    const matched = layer.match(path);
    if (!matched) continue;
    if (layer.route) {
      for (const [method, takes] of Object.entries(layer.route.methods ?? {}))
        if (takes && method !== '_all') into.add(method.toUpperCase());
    } else {
      const mounted = layer.handle?.stack;
      if (!isLayerList(mounted)) continue;
      // A mounted router: what it sees is the path past its mount point.
      const rest = path.slice(matched.path.length) || '/';
      collect(mounted, rest.startsWith('/') ? rest : `/${rest}`, into, depth + 1);
    }
  }
}

/**
 * The methods the first `count` layers of `router` (an app's `router`) route `path` to, in a fixed order, with
 * HEAD wherever GET is (Express answers HEAD with the GET route). Empty where no route has the path.
 */
export function allowedMethods(router: { stack?: unknown }, count: number, path: string): string[] {
  if (!isLayerList(router.stack)) return [];
  const methods = new Set<string>();
  collect(router.stack.slice(0, count), path, methods, 0);
  if (methods.has('GET')) methods.add('HEAD');
  const order = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'];
  return [...methods].sort((a, b) => {
    const ia = order.indexOf(a);
    const ib = order.indexOf(b);
    return (ia < 0 ? order.length : ia) - (ib < 0 ? order.length : ib) || a.localeCompare(b);
  });
}
