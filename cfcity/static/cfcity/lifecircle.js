/* The life-circle map: walking network (grey), spaces (blue dots), communities green
   (covered) or red (a gap) with a dashed circle of the walking distance around each gap.
   Data from the page's json_script "lc-data"; tiles only when the site configures them. */
(function () {
  "use strict";
  // names come from the registers: shown as text, never as HTML
  function tip(text) {
    var el = document.createElement("span");
    el.textContent = text;
    return el;
  }
  function start() {
    var el = document.getElementById("lc-map");
    var src = document.getElementById("lc-data");
    if (!el || !src || !window.L) { return; }
    var data = JSON.parse(src.textContent);
    var map = L.map(el, { zoomSnap: 0.5 });
    if (data.tiles) {
      L.tileLayer(data.tiles, { maxZoom: 19, attribution: "" }).addTo(map);
    }
    var bounds = [];
    if (data.segments.length) {
      L.polyline(data.segments.map(function (s) {
        return [[s[0][1], s[0][0]], [s[1][1], s[1][0]]];
      }), { color: "#8a8f98", weight: 1, opacity: 0.7, interactive: false }).addTo(map);
    }
    data.spaces.forEach(function (s) {
      var p = [s.lat, s.lon];
      bounds.push(p);
      L.circleMarker(p, { radius: 5, color: "#1f5fa8", fillColor: "#3b82c4", fillOpacity: 0.9, weight: 1 })
        .bindTooltip(tip(s.name + "（" + s.kind + "）")).addTo(map);
    });
    data.communities.forEach(function (c) {
      var p = [c.lat, c.lon];
      bounds.push(p);
      if (!c.covered) {
        L.circle(p, { radius: data.limit, color: "#c0392b", weight: 1, dashArray: "4 4", fill: false,
                      interactive: false }).addTo(map);
      }
      var text = c.name + "（" + c.town + "）：" + (c.covered
        ? "已覆盖，最近 " + c.space + " 步行 " + c.nearest + " 米"
        : "未覆盖：步行 " + data.limit + " 米内没有已建成的儿童友好空间");
      L.circleMarker(p, { radius: 7, color: c.covered ? "#1e7b34" : "#a61b1b",
                          fillColor: c.covered ? "#2ecc71" : "#e74c3c", fillOpacity: 0.95, weight: 2,
                          className: c.covered ? "lc-ok" : "lc-gap-marker" })
        .bindTooltip(tip(text)).addTo(map);
    });
    if (bounds.length) {
      map.fitBounds(bounds, { padding: [30, 30] });
    } else {
      map.setView([36.96, 118.1], 11);
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
