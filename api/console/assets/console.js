/* global document, window, vegaEmbed */
// The console's one client script: embeds the page's Vega-Lite charts (their specs sit in JSON script
// elements; the Content-Security-Policy allows no inline script or style and no eval, hence the expression
// interpreter, `ast: true`), follows a clicked bar's `href` (drill-down), and makes a table row with
// `data-href` clickable as a whole (its first cell holds the same link, for the keyboard).
'use strict';

function embedCharts() {
  for (const el of document.querySelectorAll('figure.chart[data-spec]')) {
    const data = document.getElementById(el.dataset.spec);
    const spec = data ? JSON.parse(data.textContent) : null;
    if (!spec || typeof vegaEmbed !== 'function') continue;
    // the page's font stack for the charts' text too (Vega's default is sans-serif alone): with it
    // the shipped Chinese font, where the system has none
    const font = window.getComputedStyle(document.body).fontFamily;
    // the chart's name in the page's language: Vega gives the figure the spec's description as its
    // label, "Vega visualization" without one; aria: false keeps Vega's English axis and legend
    // descriptions out of the page
    const name = spec.description || el.getAttribute('aria-label') || '';
    if (name) spec.description = name;
    // their own styles from console.css, not injected <style> elements: the policy allows no inline style
    vegaEmbed(el, spec, {
      actions: false,
      ast: true,
      renderer: 'svg',
      config: { font, aria: false },
      defaultStyle: false,
      tooltip: { disableDefaultStyle: true },
    })
      .then((result) => {
        // one image with that name: Vega's English "visualization" role description goes, and so
        // do the roles and labels it still writes inside (a title's "Title text '…'")
        el.setAttribute('role', 'img');
        el.removeAttribute('aria-roledescription');
        if (name) el.setAttribute('aria-label', name);
        for (const node of el.querySelectorAll('svg, svg *'))
          for (const attr of Array.from(node.attributes))
            if (attr.name === 'role' || attr.name.startsWith('aria-')) node.removeAttribute(attr.name);
        const svg = el.querySelector('svg');
        if (svg) svg.setAttribute('aria-hidden', 'true');
        result.view.addEventListener('click', (_event, item) => {
          const href = item && item.datum ? item.datum.href : undefined;
          if (typeof href === 'string' && href.startsWith('/console/')) window.location.assign(href);
        });
        el.dataset.ready = '1';
      })
      .catch((e) => {
        el.dataset.ready = 'error';
        el.textContent = String(e);
      });
  }
}

document.addEventListener('click', (event) => {
  const target = event.target;
  if (!(target instanceof window.Element) || target.closest('a, button, input, select, textarea')) return;
  const row = target.closest('tr[data-href]');
  if (row) window.location.assign(row.dataset.href);
});

document.addEventListener('DOMContentLoaded', embedCharts);
