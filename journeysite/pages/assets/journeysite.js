/* Journey diagrams in both palettes.
 *
 * Material styles flowcharts, sequence and other diagrams through the
 * `themeCSS` it passes to mermaid.initialize, but not `journey` diagrams,
 * whose default text is dark grey: unreadable on the dark palette. Material
 * renders each diagram into a shadow root, which page CSS cannot reach but
 * CSS custom properties inherit into; so we add journey rules, written with
 * Material's colour variables, to whatever themeCSS Material passes. */
(function () {
  if (typeof mermaid === "undefined") return;
  var journeyCSS = [
    "text, .legend { fill: var(--md-default-fg-color); }",
    "line { stroke: var(--md-default-fg-color--light); }",
    ".journey-section, .task { stroke: var(--md-default-fg-color--lighter); }",
    ".journey-section text, .task text, .label, .label text, .journey-section div, .task div { fill: #1f2328; color: #1f2328; }",
    ".face { fill: #fff8dc; stroke: #555; }",
    ".mouth { stroke: #333; }"
  ].join("\n");
  var initialize = mermaid.initialize.bind(mermaid);
  mermaid.initialize = function (config) {
    config = Object.assign({}, config);
    config.themeCSS = (config.themeCSS || "") + "\n" + journeyCSS;
    return initialize(config);
  };
})();

/* Sortable listings: a table marked `data-js-sort` sorts by the column whose
 * heading is selected (again: the other way). A cell's `data-sort` value, if
 * any, is sorted instead of its text; numbers sort as numbers, empty last.
 * Without JavaScript the table keeps its readable default order. */
(function () {
  function key(cell) {
    var text = (cell && (cell.dataset.sort !== undefined ? cell.dataset.sort : cell.textContent) || "").trim();
    var number = parseFloat(text.replace(/[^0-9.+-]/g, ""));
    return { text: text.toLowerCase(), number: /^[-+]?[0-9.]+\s*%?$/.test(text) ? number : NaN };
  }
  function compare(a, b) {
    if (!a.text || !b.text) return a.text ? -1 : b.text ? 1 : 0;  // empty last, whichever way
    if (!isNaN(a.number) && !isNaN(b.number)) return a.number - b.number;
    return a.text < b.text ? -1 : a.text > b.text ? 1 : 0;
  }
  function sortable(table) {
    if (table.dataset.jsSorted || !table.tHead || !table.tBodies.length) return;
    table.dataset.jsSorted = "1";
    var headings = Array.prototype.slice.call(table.tHead.rows[0].cells);
    headings.forEach(function (th, column) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "js-sort";
      while (th.firstChild) button.appendChild(th.firstChild);
      th.appendChild(button);
      button.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows).map(function (row, i) { return { row: row, key: key(row.cells[column]), i: i }; });
        rows.sort(function (a, b) {
          var emptyA = !a.key.text, emptyB = !b.key.text;
          if (emptyA || emptyB) return emptyA === emptyB ? a.i - b.i : emptyA ? 1 : -1;
          return (ascending ? 1 : -1) * compare(a.key, b.key) || a.i - b.i;
        });
        rows.forEach(function (r) { body.appendChild(r.row); });
        headings.forEach(function (other) { other.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      });
    });
  }
  function all() { document.querySelectorAll("table[data-js-sort]").forEach(sortable); }
  if (typeof document$ !== "undefined") document$.subscribe(all);  // Material's instant navigation
  else if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", all);
  else all();
})();
