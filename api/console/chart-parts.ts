/** Pieces the console's charts share, so each reads on a 375 px phone and to a screen reader. */

/**
 * A month axis (YYYY-MM, one band a month): slanted as the loan page's DPD chart, and a label that
 * would still touch its neighbour is left out — twelve level labels on a phone printed over each other.
 */
export const monthAxis = { labelAngle: -45, labelOverlap: true } as const;

/**
 * A chart's title and its name. What the chart shows (the measures, a reference value) goes in
 * the smaller subtitle, on a line of its own, where one long title ran past a phone's card edge.
 * `description` is the whole of it in the page's language: Vega gives it to the figure as its
 * accessible name (without it, "Vega visualization").
 */
export function titled(name: string, detail?: string) {
  return detail
    ? { title: { text: name, subtitle: detail }, description: `${name} · ${detail}` }
    : { title: name, description: name };
}
