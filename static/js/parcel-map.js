// Progressive enhancement of the parcel step: a Leaflet map of the commune's parcels; a click
// adds or removes the parcel's reference in the textarea (which works without JavaScript).
(function () {
  "use strict";
  var box = document.getElementById("parcel-map");
  var field = document.getElementById("id_parcels");
  if (!box || !field || !window.L) { return; }
  box.hidden = false;
  var canvas = document.createElement("div");
  canvas.className = "parcel-map-canvas";
  canvas.setAttribute("role", "application");
  canvas.setAttribute("aria-label", "Carte des parcelles : la liste ci-dessus reste modifiable au clavier");
  box.appendChild(canvas);
  var center = (box.dataset.center || "48.6706,2.3255").split(",").map(Number);
  var map = L.map(canvas, { attributionControl: true }).setView(center, 17);
  window.parcelMap = map;  // for the browser tests and the console
  if (box.dataset.tiles) {  // settings.PERMIS_TILE_URL (e.g. Plan IGN); none in tests
    L.tileLayer(box.dataset.tiles, { maxZoom: 20, attribution: box.dataset.tilesAttribution || "" }).addTo(map);
  }
  // The chosen parcels stand out: a thick dark outline over a yellow fill.
  function style(feature) {
    var chosen = selected().indexOf(feature.properties.idu || feature.id) >= 0;
    return chosen ? { color: "#1b1b1b", weight: 4, fillColor: "#ffbf47", fillOpacity: 0.6 }
                  : { color: "#00426b", weight: 1, fillOpacity: 0.1 };
  }
  var layer = L.geoJSON(null, {
    style: style,
    onEachFeature: function (feature, shape) {
      shape.on("click", function () { toggle(feature.properties.idu || feature.id); });
      shape.bindTooltip(feature.properties.label || feature.properties.idu || "");
    }
  }).addTo(map);
  function selected() {
    return field.value.split("\n").map(function (s) { return s.trim(); }).filter(Boolean);
  }
  // The check shown live, from the same endpoint and rules as the server-side step.
  var live = document.createElement("div");
  live.className = "live-check";
  live.setAttribute("aria-live", "polite");
  box.appendChild(live);
  function check(typed) {
    layer.setStyle(style);
    var refs = selected();
    if (!refs.length || !box.dataset.checkUrl) { live.textContent = ""; return; }
    var query = "commune=" + encodeURIComponent(box.dataset.commune) +
      refs.map(function (r) { return "&ref=" + encodeURIComponent(r); }).join("");
    fetch(box.dataset.checkUrl + "?" + query, { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        var lines = (data.messages && data.messages.length) ? data.messages
          : [data.ok ? "Parcelles trouvées dans la commune, formant une seule unité foncière." : (data.message || "")];
        // A parcel typed in: the map goes to it (a click leaves the map where it is).
        var at = data.centroid && data.centroid.wgs84;
        if (typed === true && at) { map.setView([at[1], at[0]], Math.max(map.getZoom(), 18)); }
        if (data.area_m2) { lines.unshift("Superficie d'après le plan cadastral : " + Math.round(data.area_m2) + " m²."); }
        live.innerHTML = "";
        var list = document.createElement("ul");
        lines.forEach(function (text) {
          var item = document.createElement("li");
          item.textContent = text;  // text only: never HTML from the network
          list.appendChild(item);
        });
        live.appendChild(list);
      });
  }
  field.addEventListener("change", function () { check(true); });
  function toggle(idu) {
    var refs = selected();
    var i = refs.indexOf(idu);
    if (i >= 0) { refs.splice(i, 1); } else { refs.push(idu); }
    field.value = refs.join("\n");
    check();
  }
  function load() {
    var b = map.getBounds();
    var url = box.dataset.featuresUrl + "?bbox=" + [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].join(",") + "&layers=parcels";
    fetch(url, { credentials: "same-origin" }).then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        layer.clearLayers();
        layer.addData(data.parcels || data);
      });
  }
  map.on("moveend", load);
  load();
  if (box.dataset.searchUrl) { addressSearch(); }

  // The address search (cadastre.geocoder, the BAN through our server): the map moves to the
  // address chosen; Enter searches without sending the page's form.
  function addressSearch() {
    var bar = document.createElement("div");
    bar.className = "address-search";
    bar.innerHTML = '<label for="address-q">Rechercher une adresse sur la carte</label>' +
      '<input type="search" id="address-q" autocomplete="street-address">' +
      '<button type="button" class="secondary">Rechercher</button>' +
      '<p class="address-status" role="status"></p><ul class="address-results"></ul>';
    box.insertBefore(bar, canvas);
    var input = bar.querySelector("input"), status = bar.querySelector(".address-status");
    var results = bar.querySelector(".address-results");
    function run() {
      var query = "q=" + encodeURIComponent(input.value) + "&commune=" + encodeURIComponent(box.dataset.commune);
      fetch(box.dataset.searchUrl + "?" + query, { credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (data) {
          results.innerHTML = "";
          var found = data.results || [];
          status.textContent = data.message || (found.length ? found.length + " adresse(s) trouvée(s)." : "Aucune adresse trouvée dans la commune.");
          found.forEach(function (place) {
            var item = document.createElement("li"), go = document.createElement("button");
            go.type = "button";
            go.className = "secondary";
            go.textContent = place.label;  // text only: never HTML from the network
            go.addEventListener("click", function () {
              map.setView([place.lat, place.lon], 19);
              status.textContent = "Carte centrée sur " + place.label + " : cliquez sur votre parcelle.";
            });
            item.appendChild(go);
            results.appendChild(item);
          });
        });
    }
    bar.querySelector("button").addEventListener("click", run);
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); run(); }
    });
  }
})();
