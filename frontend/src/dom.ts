// A few lines instead of a framework: elements built with text nodes, never HTML strings (names and messages come from
// configuration and events).

type Child = Node | string | number | null | undefined | false;

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number | boolean | null | undefined> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "class") element.className = String(value);
    else element.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`#${id} is missing from index.html`);
  return element as T;
}

const svgNs = "http://www.w3.org/2000/svg";

/** An SVG element, built like {@link el}. */
export function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number | null | undefined> = {},
  ...children: Child[]
): SVGElementTagNameMap[K] {
  const element = document.createElementNS(svgNs, tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value !== null && value !== undefined) element.setAttribute(name, String(value));
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

/** True when the user asked the system for less motion: no flashes, no smooth scrolling. */
export function reducedMotion(): boolean {
  return typeof window.matchMedia === "function" && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
}

/** Redraws a part with `draw` and gives the keyboard focus back to the element that had it (found again by its
 * data-testid), so redrawing a panel does not throw a keyboard user back to the start of the page. */
export function keepingFocus(root: HTMLElement, draw: () => void): void {
  const active = document.activeElement;
  const testId = active instanceof HTMLElement && root.contains(active) ? active.dataset.testid : undefined;
  draw();
  if (testId) root.querySelector<HTMLElement>(`[data-testid="${testId}"]`)?.focus();
}
