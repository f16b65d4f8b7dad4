/* The operation graph: Cytoscape.js over /operations/<key>/graph.json.
   Click a node: its details in the side panel (two ads clicked in turn: a "why linked?" link).
   Double-click a contact, template or photo node: fetch ?expand=<node id> and add the ads that
   carry it, even outside the operation. The instance is window.twGraph (tests read it).
   No inline script and no inline style: the Content-Security-Policy allows 'self' only. */
(function () {
  "use strict";
  var COLORS = {
    ad: "#2f6f9f", phone: "#c0392b", email: "#8e44ad", handle: "#d35400",
    payment: "#16a085", template: "#7f8c8d", image: "#b7950b"
  };

  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    if (cls) { node.className = cls; }
    return node;
  }

  function link(href, text) {
    var a = el("a", text);
    a.href = href;
    return a;
  }

  function init() {
    var box = document.getElementById("tw-graph");
    if (!box || typeof cytoscape === "undefined") { return; }
    var panel = document.getElementById("tw-graph-details");
    var t = panel ? panel.dataset : {};
    var lastAd = null;
    var expanded = {};

    var cy = cytoscape({
      container: box,
      elements: [],
      wheelSensitivity: 0.3,
      style: [
        { selector: "node", style: {
          "label": "data(label)", "font-size": 9, "color": "#222",
          "text-valign": "bottom", "text-margin-y": 3,
          "background-color": function (n) { return COLORS[n.data("kind")] || "#555"; },
          "width": 14, "height": 14 } },
        { selector: "node[kind = 'ad']", style: { "shape": "ellipse", "width": 18, "height": 18 } },
        { selector: "node[kind != 'ad']", style: { "shape": "round-rectangle" } },
        { selector: "node[?outside]", style: { "background-color": "#95a5a6", "border-width": 2, "border-color": "#2f6f9f" } },
        { selector: "node:selected", style: { "border-width": 3, "border-color": "#f1c40f" } },
        { selector: "edge", style: { "width": 1, "line-color": "#b8c2cc", "curve-style": "haystack" } }
      ],
      layout: { name: "preset" }
    });
    window.twGraph = cy;

    function relayout() {
      cy.layout({ name: "cose", animate: false, randomize: false, nodeDimensionsIncludeLabels: false,
                  idealEdgeLength: function () { return 40; }, numIter: 600 }).run();
    }

    function add(data) {
      var fresh = [];
      (data.nodes || []).concat(data.edges || []).forEach(function (item) {
        if (cy.getElementById(item.data.id).length === 0) { fresh.push(item); }
      });
      if (fresh.length) { cy.add(fresh); }
      return fresh.length;
    }

    function show(node) {
      if (!panel) { return; }
      var d = node.data();
      panel.replaceChildren();
      var dl = el("dl");
      function row(label, value) { dl.appendChild(el("dt", label)); dl.appendChild(el("dd", value)); }
      if (d.kind === "ad") {
        row("ad", "#" + d.pk);
        if (d.city) { row("city", d.city); }
        if (d.posted) { row("posted", d.posted); }
        if (d.operation) { row("operation", d.operation); }
        panel.appendChild(dl);
        panel.appendChild(link(d.url, t.tOpen || "Open"));
        if (lastAd && lastAd !== d.pk && box.dataset.explain) {
          panel.appendChild(el("br"));
          panel.appendChild(link(box.dataset.explain + "?a=" + lastAd + "&b=" + d.pk, t.tWhy || "Why linked?"));
        } else {
          panel.appendChild(el("p", t.tPick || "", "muted"));
        }
        lastAd = d.pk;
      } else {
        row(d.kind, d.label);
        row(t.tAds || "ads", d.ads);
        panel.appendChild(dl);
        if (d.url) { panel.appendChild(link(d.url, t.tOpen || "Open")); }
        panel.appendChild(el("p", t.tExpand || "", "muted"));
      }
    }

    cy.on("tap", "node", function (evt) { show(evt.target); });
    cy.on("dblclick dbltap", "node", function (evt) {
      var d = evt.target.data();
      if (d.kind === "ad" || expanded[d.id]) { return; }
      expanded[d.id] = true;
      fetch(box.dataset.url + "?expand=" + encodeURIComponent(d.id), { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : { nodes: [], edges: [] }; })
        .then(function (data) { if (add(data)) { relayout(); } box.dataset.expanded = String(Object.keys(expanded).length); });
    });

    fetch(box.dataset.url, { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) { add(data); relayout(); box.dataset.ready = "1"; });
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
