// Progressive enhancement of the instruction page: the dossier's parcels, the PLU zones and the
// servitudes they cross (embedded by the page, permits.site_map), over the neighbouring parcels
// of the cadastre (/cadastre/carte/, as the applicant's parcel step). No tile server: the
// cadastre itself is the background. The lists beside the map say the same in text.
(function () {
  "use strict";
  var box = document.getElementById("site-map");
  var data = document.getElementById("site-map-data");
  if (!box || !data || !window.L) { return; }
  var site = JSON.parse(data.textContent);
  box.hidden = false;
  var canvas = document.createElement("div");
  canvas.className = "site-map-canvas";
  canvas.setAttribute("role", "application");
  canvas.setAttribute("aria-label", "Plan du terrain : les flèches déplacent le plan, + et - zooment ; la liste des contraintes est à côté");
  box.insertBefore(canvas, box.firstChild);
  var map = L.map(canvas, { attributionControl: false, maxZoom: 21 });
  window.siteMap = map;  // for the browser tests and the console
  var ZONE_COLOURS = { U: "#c0392b", AU: "#d35400", A: "#b7950b", N: "#1e8449" };
  function label(text) {  // text only: never HTML from the data
    var span = document.createElement("span");
    span.textContent = text;
    return span;
  }
  var neighbours = L.geoJSON(null, {
    interactive: false,
    style: function () { return { color: "#8a8a8a", weight: 1, fillOpacity: 0 }; }
  }).addTo(map);
  var zones = L.geoJSON(null, {
    style: function (f) {
      var c = ZONE_COLOURS[f.properties.typezone] || "#5d6d7e";
      return { color: c, weight: 1, fillColor: c, fillOpacity: 0.18 };
    },
    onEachFeature: function (f, shape) {
      shape.bindTooltip(label("Zone " + f.properties.libelle + (f.properties.libelong ? " – " + f.properties.libelong : "")));
    }
  }).addTo(map);
  var servitudes = L.geoJSON(null, {
    style: function () { return { color: "#6c3483", weight: 2, dashArray: "6 4", fillOpacity: 0.05 }; },
    pointToLayer: function (f, latlng) { return L.circleMarker(latlng, { radius: 5 }); },
    onEachFeature: function (f, shape) {
      shape.bindTooltip(label(f.properties.category + " – " + f.properties.name));
    }
  }).addTo(map);
  var parcels = L.geoJSON(null, {
    style: function () { return { color: "#b00020", weight: 3, fillOpacity: 0 }; },
    onEachFeature: function (f, shape) { shape.bindTooltip(label("Parcelle " + f.properties.idu)); }
  }).addTo(map);
  site.features.forEach(function (f) {
    var layer = { zone: zones, servitude: servitudes, site: parcels }[f.properties.layer];
    if (layer && f.geometry) { layer.addData(f); }
  });
  var b = site.bbox;
  map.fitBounds([[b[1], b[0]], [b[3], b[2]]]);
  function load() {
    var v = map.getBounds();
    var url = box.dataset.featuresUrl + "?layers=parcels&bbox=" +
      [v.getWest(), v.getSouth(), v.getEast(), v.getNorth()].join(",");
    fetch(url, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (collection) {
        if (!collection) { return; }
        neighbours.clearLayers();
        neighbours.addData(collection);
        box.dataset.loaded = String(collection.features.length);
      });
  }
  map.on("moveend", load);
  load();
})();
