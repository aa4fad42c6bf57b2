import { type BackendInfo, getProvider, useBackend } from '@estimatorjs/backends';

/** What {@link pickBackend} chose, and the line the CLI prints about it. */
export interface PickedBackend {
  readonly info: BackendInfo;
  readonly line: string;
}

function describe(info: BackendInfo): string {
  const threads = info.name === 'wasm' || info.name === 'native';
  return `${info.name}${threads ? ` (${info.threads} thread${info.threads === 1 ? '' : 's'})` : ''}`;
}

/**
 * `--backend auto` (the default in Node): the native backend (`@estimatorjs/native`, oneDNN) where it loads, as it
 * trains this CNN about 3× faster per CPU-second than wasm; else wasm, saying why native was not used. Any other
 * name is passed to `useBackend()` as given. `threads` applies to wasm and native; other backends ignore it.
 */
export async function pickBackend(name: string, threads: number | 'auto'): Promise<PickedBackend> {
  if (name !== 'auto') {
    const info = await useBackend(name, { threads });
    return { info, line: `Backend: ${describe(info)}` };
  }
  const native = await getProvider('native').isAvailable();
  if (native.available) {
    const info = await useBackend('native', { threads });
    return { info, line: `Backend: ${describe(info)} [--backend auto: the native backend loaded]` };
  }
  const info = await useBackend('wasm', { threads });
  return {
    info,
    line: `Backend: ${describe(info)} [--backend auto: native unavailable: ${native.reason ?? 'unknown reason'}]`,
  };
}
