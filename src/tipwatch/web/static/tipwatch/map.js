/* Draws every <div class="tw-map" data-source="ID" data-geo="URL"> with Leaflet, offline:
   the base map is the bundled Natural Earth country outlines (TopoJSON at data-geo, our own static
   file), never tiles from the internet. Points and path come from the JSON in <script id="ID">
   ({points: [{city, country, lat, lon, n, first, last}], path: [[lat, lon], ...]}).
   No inline script: the Content-Security-Policy allows scripts from 'self' only. */
(function () {
  "use strict";
  window.twMaps = window.twMaps || [];

  function label(p) {
    return p.city + (p.country ? " (" + p.country + ")" : "") + ": " + p.n + " · " + p.first + " – " + p.last;
  }

  function draw(el) {
    if (el.dataset.drawn || typeof L === "undefined") { return; }
    var source = document.getElementById(el.dataset.source);
    if (!source) { return; }
    el.dataset.drawn = "1";
    var data = JSON.parse(source.textContent);
    var map = L.map(el, { worldCopyJump: false, zoomSnap: 0.5, minZoom: 1, maxZoom: 10 });
    map.attributionControl.setPrefix(false);
    map.attributionControl.addAttribution("Natural Earth");
    map.createPane("twBase");  // under the overlay pane (400): outlines never cover the dots
    map.getPane("twBase").style.zIndex = 350;
    var base = L.layerGroup().addTo(map);
    var overlay = L.featureGroup().addTo(map);

    if (data.path && data.path.length > 1) {
      L.polyline(data.path, { color: "#c0392b", weight: 2, opacity: 0.7, dashArray: "6 4" }).addTo(overlay);
    }
    (data.points || []).forEach(function (p) {
      L.circleMarker([p.lat, p.lon], {
        radius: Math.min(4 + Math.sqrt(p.n) * 2, 22), color: "#1d4e73", weight: 1,
        fillColor: "#2f6f9f", fillOpacity: 0.75
      }).bindTooltip(label(p)).addTo(overlay);
    });
    var bounds = overlay.getBounds();
    if (bounds.isValid()) {
      map.fitBounds(bounds.pad(0.4), { maxZoom: 6 });
    } else {
      map.setView([30, 10], 1.5);
    }
    if (el.dataset.geo && typeof topojson !== "undefined") {
      fetch(el.dataset.geo, { credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (topo) {
          var countries = topojson.feature(topo, topo.objects.countries);
          L.geoJSON(countries, {
            interactive: false,
            pane: "twBase",
            style: { color: "#8a9aa8", weight: 0.6, fillColor: "#f4f1ea", fillOpacity: 1 }
          }).addTo(base);
          el.dataset.baseLoaded = "1";
        })
        .catch(function () { el.dataset.baseLoaded = "error"; });
    }
    window.twMaps.push(map);
  }

  function init() { document.querySelectorAll(".tw-map[data-source]").forEach(draw); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
