// Small DOM helpers for the page: build elements, set text, find by id.

/** Creates an element with a class and optional text. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className?: string,
  text?: string,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className !== undefined) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** The element with `id`; throws Error when the page lacks it (a build mismatch). */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const node = document.getElementById(id);
  if (node === null) throw new Error(`page element #${id} missing`);
  return node as T;
}

/** A wire code as shown everywhere on the page: NAME (0xNN). */
export function codeLabel(code: { readonly code: number; readonly name: string }): string {
  return `${code.name} (0x${code.code.toString(16).padStart(2, '0')})`;
}
