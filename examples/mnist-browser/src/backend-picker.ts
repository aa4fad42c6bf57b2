/** The backend picker: one radio button per browser backend, unavailable ones disabled with the reason. */
import { type BackendListing, listBackends } from '@estimatorjs/backends';

/** A backend as the picker shows it. */
export interface BackendChoice {
  readonly name: string;
  readonly available: boolean;
  readonly reason?: string;
}

/** The browser backends (cpu, wasm, webgl, webgpu) and whether each can run in this page. */
export async function browserBackends(): Promise<BackendChoice[]> {
  const rows: BackendListing[] = await listBackends();
  return rows
    .filter((b) => b.supports.browser)
    .map((b) => ({ name: b.name, available: b.available, ...(b.reason ? { reason: b.reason } : {}) }));
}

/** Renders the choices into `root`, checks `selected` (or the first available one) and returns the radios. */
export function renderBackendPicker(root: HTMLElement, choices: readonly BackendChoice[], selected?: string): void {
  root.replaceChildren();
  const pick = choices.find((c) => c.name === selected && c.available) ?? choices.find((c) => c.available);
  for (const c of choices) {
    const label = document.createElement('label');
    label.className = c.available ? 'backend' : 'backend unavailable';
    const input = document.createElement('input');
    input.type = 'radio';
    input.name = 'backend';
    input.value = c.name;
    input.disabled = !c.available;
    input.checked = c === pick;
    label.append(input, ` ${c.name}`);
    if (!c.available) {
      label.title = c.reason ?? 'not available here';
      const why = document.createElement('small');
      why.textContent = ` — ${c.reason ?? 'not available here'}`;
      label.append(why);
    }
    root.append(label);
  }
}

/** The checked backend's name, or undefined. */
export function pickedBackend(root: HTMLElement): string | undefined {
  return root.querySelector<HTMLInputElement>('input[name=backend]:checked')?.value;
}
