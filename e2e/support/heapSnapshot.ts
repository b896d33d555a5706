import type { CDPSession } from '@playwright/test';

export interface HeapParts {
  /** Objects, arrays, closures and strings: what a leak in the page's scripts grows. */
  objectsMb: number;
  /** Compiled code (bytecode, machine code and their tables): it grows as the JIT optimises, then levels. */
  codeMb: number;
}

interface HeapSnapshotJson {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
}

/**
 * Splits the page's V8 heap into objects and compiled code, from a heap snapshot (which collects garbage
 * first). The heap after GC that `Runtime.getHeapUsage` gives counts both; over the first simulated days of a
 * soak the compiled code alone grows by up to a megabyte on the wall, so this tells a leak from the JIT.
 * Blink's own objects (`native` nodes) are not in V8's heap and are left out.
 */
export async function heapParts(cdp: CDPSession): Promise<HeapParts> {
  const chunks: string[] = [];
  const collect = ({ chunk }: { chunk: string }) => chunks.push(chunk);
  cdp.on('HeapProfiler.addHeapSnapshotChunk', collect);
  try {
    await cdp.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
  } finally {
    cdp.off('HeapProfiler.addHeapSnapshotChunk', collect);
  }
  const { snapshot, nodes } = JSON.parse(chunks.join('')) as HeapSnapshotJson;
  const fields = snapshot.meta.node_fields;
  const types = snapshot.meta.node_types[0];
  const typeAt = fields.indexOf('type');
  const sizeAt = fields.indexOf('self_size');
  let objects = 0;
  let code = 0;
  for (let i = 0; i < nodes.length; i += fields.length) {
    const type = types[nodes[i + typeAt] ?? -1];
    const size = nodes[i + sizeAt] ?? 0;
    if (type === 'code') code += size;
    else if (type !== 'native' && type !== 'synthetic') objects += size;
  }
  return { objectsMb: objects / 1024 / 1024, codeMb: code / 1024 / 1024 };
}
