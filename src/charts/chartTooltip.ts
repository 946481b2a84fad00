import { FONT, INK, TICK_SIZE, textWidth } from './chartStyle.ts';

export interface Tooltip {
  /** Shows the lines (the first in bold) in a box whose top-left corner is near (x, y), kept inside the svg. */
  show(lines: readonly string[], x: number, y: number): void;
  hide(): void;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/**
 * A hover box drawn on top of a rendered chart. It has class chart-tooltip, so exports drop it,
 * and it ignores the pointer so it never steals the hover from the marks under it.
 */
export function attachTooltip(svg: SVGSVGElement): Tooltip {
  const width = Number(svg.getAttribute('width'));
  const tip = svg.ownerDocument.createElementNS(SVG_NS, 'g');
  tip.setAttribute('class', 'chart-tooltip');
  tip.setAttribute('pointer-events', 'none');
  tip.setAttribute('visibility', 'hidden');
  const box = svg.ownerDocument.createElementNS(SVG_NS, 'rect');
  for (const [k, v] of [
    ['rx', '4'],
    ['fill', '#ffffff'],
    ['stroke', INK],
    ['stroke-opacity', '0.3'],
  ])
    box.setAttribute(k, v);
  const text = svg.ownerDocument.createElementNS(SVG_NS, 'text');
  for (const [k, v] of [
    ['font-size', String(TICK_SIZE + 1)],
    ['font-family', FONT],
    ['fill', INK],
  ])
    text.setAttribute(k, v);
  tip.append(box, text);
  svg.append(tip);
  return {
    show(lines, x, y) {
      text.replaceChildren(
        ...lines.map((line, k) => {
          const span = svg.ownerDocument.createElementNS(SVG_NS, 'tspan');
          span.setAttribute('x', '8');
          span.setAttribute('dy', k === 0 ? '1.2em' : '1.35em');
          span.setAttribute('font-weight', k === 0 ? '600' : '400');
          span.textContent = line;
          return span;
        }),
      );
      const boxW = Math.max(...lines.map((l) => textWidth(l, TICK_SIZE + 1))) + 16;
      box.setAttribute('width', String(boxW));
      box.setAttribute('height', String(lines.length * 17 + 10));
      const left = Math.min(Math.max(4, x), width - boxW - 4);
      tip.setAttribute('transform', `translate(${left},${y})`);
      tip.setAttribute('visibility', 'visible');
      tip.parentNode?.append(tip); // on top of anything drawn since (in whichever svg the chart is mounted now)
    },
    hide() {
      tip.setAttribute('visibility', 'hidden');
    },
  };
}
