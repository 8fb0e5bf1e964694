/* Maps of child-friendly spaces (cfcity.spaces). No inline code (CSP): pages hand their data
   over in <script type="application/json"> blocks.

   window.cfcitySpaces — reusable by other pages (the life circle):
     .colours                       status code → colour
     .baseMap(el, config)           a Leaflet map; a tile layer only when config.tiles is set
     .draw(map, featureCollection, options) → L.featureGroup of the features, coloured by
                                    status (points as circle markers, lines, outlines);
                                    options.link(props) → URL for the name in the popup
     .fit(map, group)               fit the map to the group (or a default view when empty)
   Names and every other property are put in as text, never as HTML. */
(function () {
  "use strict";
  var COLOURS = {planned: "#8a8f98", building: "#d98c1f", open: "#2b7bb9", certified: "#2e8b57"};
  var DEFAULT_VIEW = [[35.0, 105.0], 4];

  function json(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }

  function baseMap(el, config) {
    config = config || {};
    var map = L.map(el, {preferCanvas: false, attributionControl: true});
    if (config.tiles) {
      L.tileLayer(config.tiles, {maxZoom: 19, attribution: config.attribution || ""}).addTo(map);
    }
    map.attributionControl.setPrefix(false);
    return map;
  }

  function text(tag, value, cls) {
    var el = document.createElement(tag);
    el.textContent = value == null ? "" : String(value);
    if (cls) { el.className = cls; }
    return el;
  }

  function popup(props, options) {
    var box = document.createElement("div");
    box.className = "space-popup";
    var href = options.link ? options.link(props) : null;
    if (href) {
      var a = text("a", props.name, "space-popup-name");
      a.href = href;
      box.appendChild(a);
    } else {
      box.appendChild(text("strong", props.name, "space-popup-name"));
    }
    box.appendChild(text("div", [props.kind_name, props.status_name, props.town].filter(Boolean).join(" · ")));
    if (props.opened_on) { box.appendChild(text("div", "建成开放：" + props.opened_on)); }
    return box;
  }

  function draw(map, collection, options) {
    options = options || {};
    var colours = options.colours || COLOURS;
    var group = L.featureGroup();
    (collection && collection.features || []).forEach(function (f) {
      var p = f.properties || {}, g = f.geometry || {}, c = colours[p.status] || "#555", layer = null;
      var style = {color: c, weight: 4, opacity: 0.9, fillColor: c, fillOpacity: 0.35,
                   className: "space-shape st-" + (p.status || "")};
      if (g.type === "Point") {
        layer = L.circleMarker([g.coordinates[1], g.coordinates[0]],
                               Object.assign({}, style, {radius: 8, weight: 2, fillOpacity: 0.85,
                                                          color: "#fff"}));
      } else if (g.type === "LineString") {
        layer = L.polyline(g.coordinates.map(function (q) { return [q[1], q[0]]; }), style);
      } else if (g.type === "Polygon") {
        layer = L.polygon(g.coordinates.map(function (ring) {
          return ring.map(function (q) { return [q[1], q[0]]; });
        }), style);
      }
      if (!layer) { return; }
      layer.bindTooltip(text("span", p.name));
      layer.bindPopup(popup(p, options));
      layer.feature = f;
      group.addLayer(layer);
    });
    group.addTo(map);
    return group;
  }

  function fit(map, group) {
    var bounds = group && group.getLayers().length ? group.getBounds() : null;
    if (bounds && bounds.isValid()) {
      map.fitBounds(bounds, {padding: [24, 24], maxZoom: 16});
    } else {
      map.setView(DEFAULT_VIEW[0], DEFAULT_VIEW[1]);
    }
  }

  window.cfcitySpaces = {colours: COLOURS, baseMap: baseMap, draw: draw, fit: fit};

  function detailLink(url) {
    return function (props) { return url.replace(/spaces\.geojson$/, "") + props.id + "/"; };
  }

  // the map page: fetch the register's GeoJSON (filters applied by the server) and draw it
  function mapPage() {
    var el = document.getElementById("spaces-map"), config = json("spaces-map-config");
    if (!el || !config || !window.L) { return; }
    var map = baseMap(el, config), group = null;
    var form = document.getElementById("spaces-map-filter");
    var count = document.getElementById("spaces-map-count");
    function load() {
      var params = new URLSearchParams(new FormData(form));
      Array.from(params.keys()).forEach(function (k) { if (!params.get(k)) { params.delete(k); } });
      var url = config.url + (params.toString() ? "?" + params.toString() : "");
      el.setAttribute("aria-busy", "true");
      fetch(url, {credentials: "same-origin", headers: {Accept: "application/geo+json"}})
        .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
        .then(function (data) {
          if (group) { map.removeLayer(group); }
          group = draw(map, data, {colours: config.colours, link: detailLink(config.url)});
          fit(map, group);
          if (count) { count.textContent = "共 " + data.features.length + " 处"; }
          el.setAttribute("data-features", String(data.features.length));
          el.removeAttribute("aria-busy");
        })
        .catch(function () {
          if (count) { count.textContent = "空间数据加载失败，请刷新重试"; }
          el.removeAttribute("aria-busy");
        });
    }
    form.addEventListener("change", load);
    form.addEventListener("submit", function (e) { e.preventDefault(); load(); });
    load();
  }

  // a space's page: its own location
  function detailPage() {
    var el = document.getElementById("space-map"), feature = json("space-feature");
    if (!el || !feature || !window.L) { return; }
    var config = json("space-map-config") || {};
    var map = baseMap(el, config);
    fit(map, draw(map, feature, {colours: config.colours}));
  }

  // deleting a space asks first (the form works without JavaScript as well)
  Array.prototype.forEach.call(document.querySelectorAll("form.spaces-delete"), function (form) {
    form.addEventListener("submit", function (e) {
      if (!window.confirm("确定删除该空间？删除后不再计入目标，操作会记入操作记录。")) { e.preventDefault(); }
    });
  });

  if (window.L) {
    mapPage();
    detailPage();
  }
})();
