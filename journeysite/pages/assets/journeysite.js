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
