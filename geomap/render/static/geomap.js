/*
 * geomap client code: draws the embedded event table on a canvas and adds the
 * filter panel, legend, "not on the map" panel and URL state.
 *
 * Every string that comes from the data is put into the page with
 * textContent (or escapeHtml where Leaflet insists on an HTML string), so a
 * hostile event text is shown, never run. Needs only Leaflet.
 */
(function () {
  'use strict';

  // Clustering is a grid over the currently visible events, recomputed on each
  // redraw (O(n), a few ms at 100,000 events), so clusters always respect the
  // filters. Leaflet.markercluster needed ~11 s to index 100,000 markers in
  // headless Chromium and would have to re-index on every filter change.
  var CLUSTER_CELL = 64;          // px: events closer than this merge into one cluster
  var CLUSTER_UNTIL_ZOOM = 13;    // from this zoom on, every event is drawn on its own
  var POPUP_LIST_LIMIT = 10;      // events listed in one popup at a crowded spot
  var DAY_MS = 86400000;

  // ------------------------------------------------------------------ small helpers

  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return {'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'}[c];
    });
  }

  // Build a DOM element; strings in `children` become text nodes (never HTML).
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === 'text') { node.textContent = attrs[key]; }
      else if (key === 'style') { node.setAttribute('style', attrs[key]); }
      else if (key === 'class') { node.className = attrs[key]; }
      else { node.setAttribute(key, attrs[key]); }
    });
    (children || []).forEach(function (child) {
      if (child === null || child === undefined) { return; }
      node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
    });
    return node;
  }

  function formatNumber(value) { return Number(value).toLocaleString('en-US'); }

  function dayToIso(day) { return new Date(day * DAY_MS).toISOString().slice(0, 10); }

  function isoToDay(text) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) { return null; }
    var ms = Date.parse(text + 'T00:00:00Z');
    return isNaN(ms) ? null : Math.round(ms / DAY_MS);
  }

  // Text with every occurrence of `needle` wrapped in <mark>, as DOM nodes.
  function highlighted(text, needle) {
    var span = el('span');
    if (!needle) { span.textContent = text; return span; }
    var lower = text.toLowerCase(), target = needle.toLowerCase(), at = 0, hit;
    while ((hit = lower.indexOf(target, at)) !== -1) {
      span.appendChild(document.createTextNode(text.slice(at, hit)));
      span.appendChild(el('mark', {text: text.slice(hit, hit + needle.length)}));
      at = hit + needle.length;
    }
    span.appendChild(document.createTextNode(text.slice(at)));
    return span;
  }

  // ------------------------------------------------------------------ marker shapes

  // Adds one closed sub-path of `shape` centred on (x, y) with "radius" r.
  function shapePath(ctx, shape, x, y, r) {
    var i, a, pts;
    switch (shape) {
      case 'square':
        r *= 0.88; ctx.rect(x - r, y - r, 2 * r, 2 * r); return;
      case 'diamond':
        r *= 1.2; pts = [[0, -r], [r, 0], [0, r], [-r, 0]]; break;
      case 'triangle':
        r *= 1.25; pts = [[0, -r], [0.87 * r, 0.5 * r], [-0.87 * r, 0.5 * r]]; break;
      case 'triangle-down':
        r *= 1.25; pts = [[0, r], [0.87 * r, -0.5 * r], [-0.87 * r, -0.5 * r]]; break;
      case 'cross':
        a = r * 0.38; r *= 1.05;
        pts = [[-a, -r], [a, -r], [a, -a], [r, -a], [r, a], [a, a], [a, r], [-a, r], [-a, a], [-r, a], [-r, -a], [-a, -a]];
        break;
      case 'star':
        r *= 1.3; pts = [];
        for (i = 0; i < 10; i++) {
          a = Math.PI / 5 * i - Math.PI / 2;
          var rr = i % 2 ? r * 0.45 : r;
          pts.push([rr * Math.cos(a), rr * Math.sin(a)]);
        }
        break;
      case 'hexagon':
        r *= 1.05; pts = [];
        for (i = 0; i < 6; i++) { a = Math.PI / 3 * i; pts.push([r * Math.cos(a), r * Math.sin(a)]); }
        break;
      default:
        ctx.moveTo(x + r, y); ctx.arc(x, y, r, 0, 2 * Math.PI); return;
    }
    ctx.moveTo(x + pts[0][0], y + pts[0][1]);
    for (i = 1; i < pts.length; i++) { ctx.lineTo(x + pts[i][0], y + pts[i][1]); }
    ctx.closePath();
  }

  function markerRadius(fatalities) {
    return Math.min(4 + 1.4 * Math.sqrt(fatalities || 0), 18);
  }

  // A small canvas showing one symbol, for the legend.
  function symbolIcon(shape, color, radius) {
    var size = Math.ceil(2 * radius * 1.35 + 4);
    var canvas = el('canvas', {width: size, height: size, class: 'geomap-symbol'});
    var ctx = canvas.getContext('2d');
    ctx.beginPath();
    shapePath(ctx, shape, size / 2, size / 2, radius);
    ctx.fillStyle = color; ctx.fill();
    ctx.lineWidth = 1; ctx.strokeStyle = '#222'; ctx.stroke();
    return canvas;
  }

  // ------------------------------------------------------------------ the model

  // Events in columnar form plus the current filter state.
  // Expand the compact columns: absent numeric columns become nulls, day
  // offsets become absolute day numbers.
  function normalise(data) {
    var n = data.lat.length, i;
    // Coordinates come as whole steps of 1/scale degree from `origin`.
    var lat = new Float64Array(n), lon = new Float64Array(n);
    for (i = 0; i < n; i++) {
      lat[i] = data.origin[0] + data.lat[i] / data.scale;
      lon[i] = data.origin[1] + data.lon[i] / data.scale;
    }
    data.lat = lat;
    data.lon = lon;
    ['fat', 'wounded', 'precision'].forEach(function (name) {
      if (!data[name]) { data[name] = new Array(n).fill(null); }
    });
    var day0 = data.day0;
    data.day = data.day ? data.day.map(function (v) { return v === null ? null : v + day0; }) : new Array(n).fill(null);
    return data;
  }

  function Model(data) {
    var n = data.lat.length, i;
    normalise(data);
    this.data = data;
    this.n = n;
    this.actorOn = new Uint8Array(data.actors.length).fill(1);
    this.subOn = new Uint8Array(data.subs.length).fill(1);
    this.from = null;
    this.to = null;
    this.visible = new Uint8Array(n);
    this.shown = 0;
    this.fatalities = 0;
    // Web Mercator at zoom 0, in [0, 1]: pixel = world * 256 * 2^zoom.
    this.wx = new Float64Array(n);
    this.wy = new Float64Array(n);
    for (i = 0; i < n; i++) {
      var lat = Math.max(Math.min(data.lat[i], 85.0511), -85.0511) * Math.PI / 180;
      this.wx[i] = (data.lon[i] + 180) / 360;
      this.wy[i] = 0.5 - Math.log(Math.tan(Math.PI / 4 + lat / 2)) / (2 * Math.PI);
    }
    this.typeOfSub = data.subs.map(function (s) { return s.type; });
    var days = data.day.filter(function (d) { return d !== null; });
    this.minDay = days.length ? Math.min.apply(null, days) : null;
    this.maxDay = days.length ? Math.max.apply(null, days) : null;
  }

  Model.prototype.applyFilters = function () {
    var d = this.data, vis = this.visible, shown = 0, fat = 0;
    var from = this.from, to = this.to, dated = from !== null || to !== null;
    for (var i = 0; i < this.n; i++) {
      var ok = this.actorOn[d.actor[i]] && this.subOn[d.sub[i]];
      if (ok && dated) {
        var day = d.day[i];
        ok = day !== null && (from === null || day >= from) && (to === null || day <= to);
      }
      vis[i] = ok ? 1 : 0;
      if (ok) { shown++; fat += d.fat[i] || 0; }
    }
    this.shown = shown;
    this.fatalities = fat;
  };

  // A text column holds each distinct value once: {codes} into the shared
  // strings, {values, codes} of its own, or {values} when nothing repeats.
  Model.prototype.text = function (column, i) {
    var col = this.data.text[column];
    if (!col) { return ''; }
    if (!col.codes) { return col.values[i]; }
    return col.values ? col.values[col.codes[i]] : this.data.strings[col.codes[i]];
  };

  // ------------------------------------------------------------------ the canvas layer

  // A Leaflet canvas renderer that draws the visible events itself (markers or
  // clusters) instead of one Leaflet object per event.
  var EventsCanvas = L.Canvas.extend({
    initialize: function (model, options) {
      L.Canvas.prototype.initialize.call(this, options);
      this._model = model;
      this._hits = {idx: [], x: [], y: [], r: []};
      this._clusters = [];
    },

    refresh: function () {
      if (this._map) { this._redraw(); }
    },

    clustering: function () {
      return this._model.data.cluster && this._map.getZoom() < CLUSTER_UNTIL_ZOOM;
    },

    _draw: function () {
      if (!this._map || !this._bounds) { return; }
      var map = this._map;
      var scale = map.options.crs.scale(map.getZoom()), origin = map.getPixelOrigin();
      var b = this._bounds, ctx = this._ctx;
      this._hits = {idx: [], x: [], y: [], r: []};
      this._clusters = [];
      ctx.save();
      if (this.clustering()) { this._drawClusters(ctx, scale, origin, b); }
      else { this._drawMarkers(ctx, scale, origin, b, null); }
      ctx.restore();
      if (window.__geomapReadyAt === undefined) {
        // Milliseconds since navigation start until the first markers are drawn,
        // read by bench/bench_map.py. (__geomapReady: everything loaded, see mount.)
        window.__geomapReadyAt = performance.now();
      }
      if (!this._announced) { this._announced = true; this._map.fire('geomap:ready'); }
    },

    // Individual markers, batched into one path per (actor, type) for speed.
    _drawMarkers: function (ctx, scale, origin, b, only) {
      var model = this._model, d = model.data, groups = {}, keys = [];
      var ntypes = d.types.length, hits = this._hits;
      var consider = only || null, count = consider ? consider.length : model.n;
      for (var k = 0; k < count; k++) {
        var i = consider ? consider[k] : k;
        if (!model.visible[i]) { continue; }
        var x = model.wx[i] * scale - origin.x, y = model.wy[i] * scale - origin.y;
        var r = markerRadius(d.fat[i]);
        if (x < b.min.x - r || x > b.max.x + r || y < b.min.y - r || y > b.max.y + r) { continue; }
        var key = d.actor[i] * ntypes + model.typeOfSub[d.sub[i]];
        if (!groups[key]) { groups[key] = []; keys.push(key); }
        groups[key].push(x, y, r);
        hits.idx.push(i); hits.x.push(x); hits.y.push(y); hits.r.push(r);
      }
      keys.sort(function (a, c) { return a - c; });
      ctx.lineWidth = 1;
      ctx.strokeStyle = 'rgba(20,20,20,0.85)';
      keys.forEach(function (key) {
        var pts = groups[key], actor = Math.floor(key / ntypes), type = key % ntypes;
        var shape = d.types[type].shape;
        ctx.beginPath();
        for (var j = 0; j < pts.length; j += 3) { shapePath(ctx, shape, pts[j], pts[j + 1], pts[j + 2]); }
        ctx.globalAlpha = 0.85;
        ctx.fillStyle = d.actors[actor].color;
        ctx.fill();
        ctx.globalAlpha = 1;
        ctx.stroke();
      });
    },

    // Grid clustering of the visible events: O(n) per redraw, so filters stay instant.
    _drawClusters: function (ctx, scale, origin, b) {
      var model = this._model, cells = new Map(), list = [];
      for (var i = 0; i < model.n; i++) {
        if (!model.visible[i]) { continue; }
        var px = model.wx[i] * scale, py = model.wy[i] * scale;
        var key = Math.floor(px / CLUSTER_CELL) * 1e7 + Math.floor(py / CLUSTER_CELL);
        var cell = cells.get(key);
        if (!cell) {
          cell = {n: 0, sx: 0, sy: 0, members: []};
          cells.set(key, cell);
          list.push(cell);
        }
        cell.n++; cell.sx += px; cell.sy += py; cell.members.push(i);
      }
      var singles = [];
      list.forEach(function (cell) {
        if (cell.n === 1) { singles.push(cell.members[0]); return; }
        var x = cell.sx / cell.n - origin.x, y = cell.sy / cell.n - origin.y;
        var r = cell.n < 10 ? 15 : cell.n < 100 ? 18 : cell.n < 1000 ? 21 : 24;
        if (x < b.min.x - r || x > b.max.x + r || y < b.min.y - r || y > b.max.y + r) { return; }
        this._clusters.push({x: x, y: y, r: r, members: cell.members});
      }, this);
      this._drawMarkers(ctx, scale, origin, b, singles);
      ctx.font = 'bold 12px "Helvetica Neue", Arial, sans-serif';
      ctx.textAlign = 'center';
      ctx.textBaseline = 'middle';
      this._clusters.forEach(function (c) {
        var n = c.members.length;
        var rgb = n < 10 ? '110,204,57' : n < 100 ? '240,194,12' : '241,128,23';
        ctx.beginPath(); ctx.arc(c.x, c.y, c.r, 0, 2 * Math.PI);
        ctx.fillStyle = 'rgba(' + rgb + ',0.55)'; ctx.fill();
        ctx.beginPath(); ctx.arc(c.x, c.y, c.r - 5, 0, 2 * Math.PI);
        ctx.fillStyle = 'rgba(' + rgb + ',0.9)'; ctx.fill();
        ctx.fillStyle = '#111';
        ctx.fillText(n >= 10000 ? Math.round(n / 1000) + 'k' : String(n), c.x, c.y);
      });
    },

    // What lies under a layer point: a cluster, or the events drawn there.
    hitTest: function (point) {
      var i, best = null;
      for (i = 0; i < this._clusters.length; i++) {
        var c = this._clusters[i], dx = c.x - point.x, dy = c.y - point.y;
        if (dx * dx + dy * dy <= c.r * c.r) { best = c; }
      }
      if (best) { return {cluster: best}; }
      var hits = this._hits, found = [];
      for (i = 0; i < hits.idx.length; i++) {
        var ex = hits.x[i] - point.x, ey = hits.y[i] - point.y, rr = hits.r[i] + 3;
        if (ex * ex + ey * ey <= rr * rr) { found.push(hits.idx[i]); }
      }
      return found.length ? {events: found} : null;
    },

    _onClick: function (e) {
      if (e.type !== 'click' || !this._map) { return L.Canvas.prototype._onClick.call(this, e); }
      var hit = this.hitTest(this._map.mouseEventToLayerPoint(e));
      if (hit) { this.fire('hit', {hit: hit, originalEvent: e}); return; }
      L.Canvas.prototype._onClick.call(this, e);
    },

    _onMouseMove: function (e) {
      if (!this._map || this._map.dragging.moving() || this._map._animatingZoom) { return; }
      var hit = this.hitTest(this._map.mouseEventToLayerPoint(e));
      this._container.style.cursor = hit ? 'pointer' : '';
    }
  });

  // ------------------------------------------------------------------ popups

  var PRECISION = {1: 'exact place', 2: 'near the place', 3: 'region/district'};

  function eventCard(model, i) {
    var d = model.data, actor = d.actors[d.actor[i]], sub = d.subs[d.sub[i]];
    var type = d.types[sub.type].name;
    var location = model.text('location', i), admin1 = model.text('admin1', i);
    var prec = d.precision[i];
    var rows = [];
    function row(label, value) {
      if (value === '' || value === null || value === undefined) { return; }
      rows.push(el('tr', {}, [el('th', {text: label}), el('td', {}, [value])]));
    }
    row('Actor', el('span', {}, [el('span', {class: 'geomap-swatch', style: 'background:' + actor.color}), actor.name]));
    row('Other party', model.text('actor2', i));
    row('Place', [location, admin1 && admin1 !== location ? ' (' + admin1 + ')' : ''].join('') +
        (prec ? ' · precision ' + prec + (PRECISION[prec] ? ' (' + PRECISION[prec] + ')' : '') : ''));
    row('Fatalities', d.fat[i] === null ? 'unknown' : String(d.fat[i]));
    if (d.wounded[i] !== null) { row('Wounded', String(d.wounded[i])); }
    row('Document', model.text('doc_id', i));
    row('Event id', model.text('event_id', i));
    row('Source', model.text('source', i));
    var notes = model.text('notes', i);
    var reason = model.text('reason', i);
    return el('div', {class: 'geomap-card'}, [
      el('div', {class: 'geomap-card-head'}, [
        el('strong', {text: d.day[i] === null ? 'date unknown' : dayToIso(d.day[i])}), ' · ',
        type, sub.name ? ' / ' + sub.name : ''
      ]),
      el('table', {}, rows),
      notes ? el('blockquote', {}, [highlighted(notes, location)]) : null,
      reason ? el('div', {class: 'geomap-reason', text: reason}) : null
    ]);
  }

  function popupContent(model, events) {
    var box = el('div', {class: 'geomap-popup'});
    if (events.length > 1) {
      box.appendChild(el('div', {class: 'geomap-popup-count', text: events.length + ' events here'}));
    }
    events.slice(0, POPUP_LIST_LIMIT).forEach(function (i) { box.appendChild(eventCard(model, i)); });
    if (events.length > POPUP_LIST_LIMIT) {
      box.appendChild(el('div', {class: 'geomap-more', text: '… and ' + (events.length - POPUP_LIST_LIMIT) + ' more: zoom in or filter'}));
    }
    return box;
  }

  // ------------------------------------------------------------------ basemaps

  function offlineBasemap(map, basemap) {
    map.createPane('geomap-base').style.zIndex = 210;
    var labels = map.createPane('geomap-labels');
    labels.style.zIndex = 350;
    labels.style.pointerEvents = 'none';
    var renderer = L.svg({pane: 'geomap-base', padding: 0.5});
    var styles = {
      world: {color: '#a29d92', weight: 0.8, fillColor: '#e9e6de', fillOpacity: 1},
      country: {color: '#4a4a4a', weight: 1.8, fillColor: '#f6f3ea', fillOpacity: 1},
      admin2: {color: '#cfc8b8', weight: 0.6, fill: false},
      admin1: {color: '#8d877a', weight: 1.2, fill: false}
    };
    var group = L.layerGroup([], {
      attribution: 'Boundaries: OCHA Syria COD (CC BY 3.0 IGO), Natural Earth · Places: GeoNames (CC BY 4.0)'
    });
    function boundaries(kinds) {
      return L.geoJSON(basemap.boundaries, {
        renderer: renderer, interactive: false, pane: 'geomap-base',
        filter: function (f) { return kinds.indexOf(f.properties.kind) !== -1; },
        style: function (f) { return styles[f.properties.kind]; }
      });
    }
    var governorates = boundaries(['admin1']);
    group.addLayer(boundaries(['world']));
    group.addLayer(boundaries(['country']));
    group.addLayer(governorates);
    // District lines are the costliest part of the basemap; draw them once the
    // events are on screen, under the governorate lines.
    var districts = boundaries(['admin2']);
    map.once('geomap:ready', function () {
      setTimeout(function () {
        group.addLayer(districts);  // drawn now if the offline basemap is shown, else when it is chosen
        if (map.hasLayer(group)) { governorates.bringToFront(); }
      }, 0);
    });
    group.addLayer(basemapLabels(map, basemap, renderer));
    return group;
  }

  // The basemap's names: countries around Syria, cities (each from its zoom on),
  // governorates, then towns. They are placed in that order of importance, and
  // one that would overlap a name already placed waits for a closer zoom.
  var LABEL_FONTS = {
    country: {font: '13px "Helvetica Neue", Arial, sans-serif', spacing: 0.12, upper: true, minZoom: 4},
    admin1: {font: '12px "Helvetica Neue", Arial, sans-serif', spacing: 0.06, upper: true, minZoom: 6},
    city: {font: '11px "Helvetica Neue", Arial, sans-serif', spacing: 0, upper: false}
  };

  function basemapLabels(map, basemap, renderer) {
    var measure = document.createElement('canvas').getContext('2d');
    var items = [];
    function add(kind, latlng, text, minZoom) {
      var style = LABEL_FONTS[kind], shown = style.upper ? text.toUpperCase() : text;
      measure.font = style.font;
      var width = measure.measureText(shown).width + shown.length * style.spacing * parseFloat(style.font);
      var layers = [L.marker(latlng, {
        pane: 'geomap-labels', interactive: false, keyboard: false,
        icon: L.divIcon({className: 'geomap-label geomap-label-' + kind, html: el('span', {text: text}), iconSize: null})
      })];
      if (kind === 'city') {
        layers.push(L.circleMarker(latlng, {
          renderer: renderer, pane: 'geomap-base', radius: 2.5, weight: 1,
          color: '#333', fillColor: '#333', fillOpacity: 1, interactive: false
        }));
      }
      items.push({kind: kind, latlng: L.latLng(latlng), width: width, minZoom: minZoom, layer: L.layerGroup(layers)});
    }
    var features = basemap.boundaries.features, cities = basemap.cities;
    features.forEach(function (f) {
      if (f.properties.label && f.properties.kind === 'world') {
        add('country', f.properties.label, f.properties.name, LABEL_FONTS.country.minZoom);
      }
    });
    var firstTown = cities.length;
    cities.forEach(function (c, k) {
      if (c[3] > 7 && firstTown === cities.length) { firstTown = k; }
      if (k < firstTown) { add('city', [c[1], c[2]], c[0], c[3] || 7); }
    });
    features.forEach(function (f) {
      if (f.properties.label && f.properties.kind === 'admin1') {
        add('admin1', f.properties.label, f.properties.name, LABEL_FONTS.admin1.minZoom);
      }
    });
    cities.slice(firstTown).forEach(function (c) { add('city', [c[1], c[2]], c[0], c[3] || 7); });

    var shown = L.layerGroup();
    function place() {
      var zoom = map.getZoom(), boxes = [];
      shown.clearLayers();
      items.forEach(function (item) {
        if (zoom < item.minZoom) { return; }
        var p = map.project(item.latlng, zoom), h = item.kind === 'city' ? 7 : 8;
        // City names sit right of their dot; other names are centred on their point.
        var box = item.kind === 'city' ? [p.x - 3, p.y - h, p.x + 6 + item.width, p.y + h]
          : [p.x - item.width / 2, p.y - h, p.x + item.width / 2, p.y + h];
        for (var i = 0; i < boxes.length; i++) {
          var o = boxes[i];
          if (box[0] < o[2] && o[0] < box[2] && box[1] < o[3] && o[1] < box[3]) { return; }
        }
        boxes.push(box);
        shown.addLayer(item.layer);
      });
    }
    shown.on('add', function () { place(); map.on('zoomend', place); });
    shown.on('remove', function () { map.off('zoomend', place); });
    return shown;
  }

  // ------------------------------------------------------------------ controls

  // In a small frame (an embedded iframe, a phone) the panels start folded so the map stays visible.
  function isSmall(map) {
    var size = map.getSize();
    return size.x < 700 || size.y < 560;
  }

  function titleControl(title) {
    var Title = L.Control.extend({
      onAdd: function () { return el('div', {class: 'geomap-title', text: title}); }
    });
    return new Title({position: 'topleft'});
  }

  function legendControl(model) {
    var d = model.data;
    var Legend = L.Control.extend({
      onAdd: function () {
        var actors = el('div', {class: 'geomap-legend-section'}, [el('h4', {text: 'Actors'})]);
        d.actors.slice(0, 8).forEach(function (a) {
          actors.appendChild(el('div', {class: 'geomap-legend-row'}, [
            el('span', {class: 'geomap-swatch', style: 'background:' + a.color}), a.name
          ]));
        });
        if (d.actors.length > 8) {
          actors.appendChild(el('div', {class: 'geomap-more', text: '… ' + (d.actors.length - 8) + ' more in the layer list'}));
        }
        var types = el('div', {class: 'geomap-legend-section'}, [el('h4', {text: 'Event types'})]);
        d.types.forEach(function (t) {
          types.appendChild(el('div', {class: 'geomap-legend-row'}, [symbolIcon(t.shape, '#bbbbbb', 6), t.name]));
        });
        var sizes = el('div', {class: 'geomap-legend-section geomap-sizes'}, [el('h4', {text: 'Fatalities'})]);
        [0, 1, 10, 100].forEach(function (f) {
          sizes.appendChild(el('span', {class: 'geomap-size'}, [
            symbolIcon('circle', '#bbbbbb', markerRadius(f)), f === 100 ? '100+' : String(f)
          ]));
        });
        var body = [actors, types, sizes];
        if (d.cluster) {
          body.push(el('div', {class: 'geomap-legend-section geomap-more',
            text: 'Numbered circles group nearby events; click one to zoom in.'}));
        }
        var panel = el('details', {class: 'geomap-panel geomap-legend'}, [el('summary', {text: 'Legend'})].concat(body));
        panel.open = !isSmall(this._map);
        return panel;
      }
    });
    return new Legend({position: 'bottomleft'});
  }

  function missingControl(model) {
    var d = model.data, unlocated = d.unlocated, missing = d.missing, flagged = d.flagged || [];
    var Missing = L.Control.extend({
      onAdd: function () {
        var parts = [];
        if (unlocated !== null) { parts.push(unlocated.length + ' unlocated place mention' + (unlocated.length === 1 ? '' : 's')); }
        parts.push(missing.length + ' event' + (missing.length === 1 ? '' : 's') + ' without coordinates');
        var summary = 'Not on the map: ' + parts.join(', ');
        if (flagged.length) {
          summary += ' · ' + flagged.length + ' value' + (flagged.length === 1 ? '' : 's') + ' flagged, shown as unknown';
        }
        var body = [el('summary', {text: summary})];
        if (unlocated !== null) {
          var list = el('ul', {class: 'geomap-unlocated'});
          unlocated.forEach(function (u) {
            list.appendChild(el('li', {}, [
              el('strong', {text: u.name}),
              u.doc ? el('span', {class: 'geomap-doc', text: ' · ' + u.doc}) : null,
              u.context ? el('div', {class: 'geomap-context'}, [highlighted(u.context, u.name)]) : null,
              u.reason ? el('div', {class: 'geomap-reason', text: u.reason}) : null
            ]));
          });
          body.push(el('h4', {text: 'Unlocated place mentions'}));
          body.push(unlocated.length ? list : el('div', {class: 'geomap-more', text: 'Every place mention was located.'}));
        }
        if (missing.length) {
          var events = el('ul', {class: 'geomap-missing'});
          missing.forEach(function (m) {
            events.appendChild(el('li', {}, [
              el('strong', {text: [m.date, m.actor, m.type].filter(Boolean).join(' · ') || 'event'}),
              m.location ? ' — ' + m.location : '',
              m.doc ? el('span', {class: 'geomap-doc', text: ' · ' + m.doc}) : null,
              m.notes ? el('div', {class: 'geomap-context', text: m.notes}) : null
            ]));
          });
          body.push(el('h4', {text: 'Events without coordinates'}));
          body.push(events);
        }
        if (flagged.length) {
          var flags = el('ul', {class: 'geomap-flagged'});
          flagged.forEach(function (f) { flags.appendChild(el('li', {text: f})); });
          body.push(el('h4', {text: 'Flagged values (shown as unknown)'}));
          body.push(flags);
        }
        var panel = el('details', {class: 'geomap-panel geomap-missing-panel', id: 'geomap-missing'}, body);
        L.DomEvent.disableClickPropagation(panel);
        L.DomEvent.disableScrollPropagation(panel);
        return panel;
      }
    });
    return new Missing({position: 'bottomleft'});
  }

  // ------------------------------------------------------------------ the app

  function GeomapApp(map, data) {
    this.map = map;
    this.model = new Model(data);
    this.actorLayers = data.actors.map(function () { return L.layerGroup(); });
    this.typeBoxes = [];
    this.subBoxes = [];
    this._quiet = false;
  }

  GeomapApp.prototype.start = function () {
    var app = this, map = this.map, model = this.model, d = model.data;
    var bases = {}, first = null;
    var offline = offlineBasemap(map, d.basemap);
    bases['Offline basemap'] = offline;
    if (d.basemap.first === 'offline') { first = offline; }
    d.basemap.online.forEach(function (t) {
      var layer = L.tileLayer(t.url, {attribution: t.attribution, subdomains: t.subdomains, maxZoom: t.maxZoom});
      bases[escapeHtml(t.name)] = layer;
      if (d.basemap.first === t.key) { first = layer; }
    });
    (first || offline).addTo(map);

    var overlays = {};
    d.actors.forEach(function (a, k) {
      var label = '<span class="geomap-swatch" style="background:' + escapeHtml(a.color) + '"></span>' +
        '<span class="geomap-actor-name">' + escapeHtml(a.name) + '</span> <span class="geomap-count">(' + a.count + ')</span>';
      overlays[label] = app.actorLayers[k];
    });

    var view = this.readHash();
    this.actorLayers.forEach(function (layer, k) { if (model.actorOn[k]) { layer.addTo(map); } });

    this.layers = L.control.layers(bases, overlays, {collapsed: isSmall(map), position: 'topright'}).addTo(map);
    L.DomUtil.addClass(this.layers.getContainer(), 'geomap-layers');
    this.filterPanel().addTo(map);
    if (d.title) { titleControl(d.title).addTo(map); }
    missingControl(model).addTo(map);
    legendControl(model).addTo(map);

    if (view) { map.setView(view.center, view.zoom); }
    else { this.fitToEvents(); }

    labelZoomClasses(map);
    this.canvas = new EventsCanvas(model, {padding: 0.1});
    this.canvas.on('hit', this.onHit, this);
    model.applyFilters();
    this.updateStatus();
    map.addLayer(this.canvas);

    map.on('overlayadd overlayremove', function (e) {
      var k = app.actorLayers.indexOf(e.layer);
      if (k < 0 || app._quiet) { return; }
      model.actorOn[k] = e.type === 'overlayadd' ? 1 : 0;
      app.changed();
    });
    map.on('moveend', function () { app.writeHash(); });
    window.addEventListener('hashchange', function () {
      if (location.hash !== app._lastHash) { app.applyHash(); }
    });
    this.writeHash();
  };

  // Fit the view to the events; when most of them lie in the basemap's country,
  // fit to those, so that a few mentions of Geneva or Moscow do not shrink Syria
  // to a dot (they stay on the map, one zoom-out away).
  // With `onlyShown`, only the events the filters show count (all when none is shown).
  GeomapApp.prototype.fitToEvents = function (onlyShown) {
    var model = this.model, d = model.data, i, all = [];
    for (i = 0; i < model.n; i++) { if (!onlyShown || !model.shown || model.visible[i]) { all.push(i); } }
    if (!all.length) { return; }
    var country = d.basemap.boundaries.features.filter(function (f) { return f.properties.kind === 'country'; });
    var inside = null;
    if (country.length) {
      var area = L.geoJSON(country[0]).getBounds();
      inside = all.filter(function (j) { return area.contains([d.lat[j], d.lon[j]]); });
      if (inside.length * 2 < all.length) { inside = null; }
    }
    var south = 90, north = -90, west = 180, east = -180;
    var chosen = inside || all;
    for (var k = 0; k < chosen.length; k++) {
      i = chosen[k];
      south = Math.min(south, d.lat[i]); north = Math.max(north, d.lat[i]);
      west = Math.min(west, d.lon[i]); east = Math.max(east, d.lon[i]);
    }
    this.map.fitBounds([[south, west], [north, east]], {padding: [40, 40], maxZoom: 11, animate: false});
  };

  // Labels crowd each other when zoomed out: show them from a useful zoom on.
  function labelZoomClasses(map) {
    var container = map.getContainer();
    function update() {
      var z = map.getZoom();
      L.DomUtil[z < 6 ? 'addClass' : 'removeClass'](container, 'geomap-z-lt6');
      L.DomUtil[z < 7 ? 'addClass' : 'removeClass'](container, 'geomap-z-lt7');
    }
    map.on('zoomend', update);
    update();
  }

  GeomapApp.prototype.onHit = function (e) {
    var hit = e.hit, map = this.map, app = this;
    if (!this.textReady) {
      // A click in the instant before the popups' texts are open: answered when they are.
      if (this.textLoaded) { this.textLoaded.then(function () { app.onHit(e); }); }
      return;
    }
    if (hit.cluster) {
      var m = this.model, south = 90, north = -90, west = 180, east = -180;
      hit.cluster.members.forEach(function (i) {
        south = Math.min(south, m.data.lat[i]); north = Math.max(north, m.data.lat[i]);
        west = Math.min(west, m.data.lon[i]); east = Math.max(east, m.data.lon[i]);
      });
      var target = map.getBoundsZoom([[south, west], [north, east]]);
      var zoom = Math.max(Math.min(target, CLUSTER_UNTIL_ZOOM), map.getZoom() + 1);
      map.setView([(south + north) / 2, (west + east) / 2], zoom);
      return;
    }
    var events = hit.events, i = events[0];
    L.popup({maxWidth: 360, maxHeight: 360, autoPanPadding: [20, 20]})
      .setLatLng([this.model.data.lat[i], this.model.data.lon[i]])
      .setContent(popupContent(this.model, events))
      .openOn(map);
  };

  // Filters changed: recount, redraw, remember in the URL.
  GeomapApp.prototype.changed = function () {
    this.model.applyFilters();
    this.updateStatus();
    this.syncBoxes();
    if (this.canvas) { this.canvas.refresh(); }
    this.writeHash();
  };

  GeomapApp.prototype.updateStatus = function () {
    var m = this.model, s = this.status;
    if (!s) { return; }
    s.textContent = formatNumber(m.shown) + ' of ' + formatNumber(m.n) + ' events shown · ' +
      formatNumber(m.fatalities) + ' fatalities';
    s.setAttribute('data-shown', m.shown);
    s.setAttribute('data-total', m.n);
    s.setAttribute('data-fatalities', m.fatalities);
  };

  GeomapApp.prototype.setActors = function (on) {
    var app = this, map = this.map;
    this._quiet = true;
    this.actorLayers.forEach(function (layer, k) {
      app.model.actorOn[k] = on ? 1 : 0;
      if (on) { map.addLayer(layer); } else { map.removeLayer(layer); }
    });
    this._quiet = false;
    this.changed();
  };

  GeomapApp.prototype.setTypes = function (on) {
    this.model.subOn.fill(on ? 1 : 0);
    this.changed();
  };

  GeomapApp.prototype.syncBoxes = function () {
    var m = this.model;
    this.subBoxes.forEach(function (box, s) { box.checked = !!m.subOn[s]; });
    this.typeBoxes.forEach(function (box, t) {
      var subs = m.typeOfSub.map(function (tt, s) { return tt === t ? m.subOn[s] : -1; })
        .filter(function (v) { return v !== -1; });
      var on = subs.filter(Boolean).length;
      box.checked = on === subs.length;
      box.indeterminate = on > 0 && on < subs.length;
    });
    if (this.fromBox) {
      this.fromBox.value = m.from === null ? '' : dayToIso(m.from);
      this.toBox.value = m.to === null ? '' : dayToIso(m.to);
    }
  };

  GeomapApp.prototype.filterPanel = function () {
    var app = this, m = this.model, d = m.data;
    var Panel = L.Control.extend({
      onAdd: function () {
        app.status = el('div', {class: 'geomap-status', id: 'geomap-status'});
        var body = [el('summary', {text: 'Filters'}), app.status];

        var actorRow = el('div', {class: 'geomap-row'}, ['Actors: ']);
        [['all', true], ['none', false]].forEach(function (pair) {
          var b = el('button', {type: 'button', class: 'geomap-link', 'data-actors': pair[0], text: pair[0]});
          L.DomEvent.on(b, 'click', function () { app.setActors(pair[1]); });
          actorRow.appendChild(b);
        });
        body.push(actorRow);

        var typeRow = el('div', {class: 'geomap-row'}, ['Event types: ']);
        [['all', true], ['none', false]].forEach(function (pair) {
          var b = el('button', {type: 'button', class: 'geomap-link', 'data-types': pair[0], text: pair[0]});
          L.DomEvent.on(b, 'click', function () { app.setTypes(pair[1]); });
          typeRow.appendChild(b);
        });
        body.push(typeRow);

        var list = el('ul', {class: 'geomap-types'});
        d.types.forEach(function (t, ti) {
          var box = el('input', {type: 'checkbox', 'data-type': t.name});
          box.checked = true;
          app.typeBoxes[ti] = box;
          L.DomEvent.on(box, 'change', function () {
            m.typeOfSub.forEach(function (tt, s) { if (tt === ti) { m.subOn[s] = box.checked ? 1 : 0; } });
            app.changed();
          });
          var subs = el('ul', {class: 'geomap-subtypes'});
          d.subs.forEach(function (s, si) {
            if (s.type !== ti) { return; }
            var sbox = el('input', {type: 'checkbox', 'data-type': t.name, 'data-sub': s.name});
            sbox.checked = true;
            app.subBoxes[si] = sbox;
            L.DomEvent.on(sbox, 'change', function () { m.subOn[si] = sbox.checked ? 1 : 0; app.changed(); });
            subs.appendChild(el('li', {}, [el('label', {}, [sbox, ' ', s.name || '(no sub-type)',
              el('span', {class: 'geomap-count', text: ' (' + s.count + ')'})])]));
          });
          list.appendChild(el('li', {}, [
            el('label', {}, [box, ' ', symbolIcon(t.shape, '#bbbbbb', 5), ' ', t.name,
              el('span', {class: 'geomap-count', text: ' (' + t.count + ')'})]),
            subs
          ]));
        });
        body.push(list);

        if (m.minDay !== null && m.maxDay > m.minDay) {
          var min = dayToIso(m.minDay), max = dayToIso(m.maxDay);
          app.fromBox = el('input', {type: 'date', min: min, max: max, id: 'geomap-from', 'aria-label': 'from'});
          app.toBox = el('input', {type: 'date', min: min, max: max, id: 'geomap-to', 'aria-label': 'to'});
          var onDate = function () {
            m.from = isoToDay(app.fromBox.value);
            m.to = isoToDay(app.toBox.value);
            app.changed();
          };
          L.DomEvent.on(app.fromBox, 'change', onDate);
          L.DomEvent.on(app.toBox, 'change', onDate);
          body.push(el('div', {class: 'geomap-row geomap-dates'}, [
            el('span', {text: 'Dates (' + min + ' – ' + max + '):'}), el('br'),
            app.fromBox, ' to ', app.toBox
          ]));
        }
        var panel = el('details', {class: 'geomap-panel geomap-filters'}, body);
        panel.open = !isSmall(app.map);
        L.DomEvent.disableClickPropagation(panel);
        L.DomEvent.disableScrollPropagation(panel);
        app.syncBoxes();
        return panel;
      }
    });
    return new Panel({position: 'topright'});
  };

  // ------------------------------------------------------------------ URL state

  // Read #actors=…&types=…&from=…&to=…&z=…&ll=… into the model; every value is
  // checked against the known actors/types, so a crafted hash is only data.
  GeomapApp.prototype.readHash = function () {
    var m = this.model, d = m.data, params = {}, view = null;
    location.hash.replace(/^#/, '').split('&').forEach(function (part) {
      var at = part.indexOf('=');
      if (at > 0) { params[part.slice(0, at)] = part.slice(at + 1); }
    });
    function decodeList(value) {
      if (value === '') { return []; }
      return value.split(',').map(function (item) {
        try { return item.split(':').map(decodeURIComponent); } catch (err) { return null; }
      }).filter(Boolean);
    }
    if ('actors' in params) {
      var wanted = decodeList(params.actors).map(function (p) { return p[0]; });
      d.actors.forEach(function (a, k) { m.actorOn[k] = wanted.indexOf(a.name) !== -1 ? 1 : 0; });
    }
    if ('types' in params) {
      var items = decodeList(params.types);
      d.subs.forEach(function (s, si) {
        var type = d.types[s.type].name;
        m.subOn[si] = items.some(function (p) {
          return p[0] === type && (p.length === 1 || p[1] === s.name);
        }) ? 1 : 0;
      });
    }
    m.from = params.from ? isoToDay(params.from) : null;
    m.to = params.to ? isoToDay(params.to) : null;
    var z = parseInt(params.z, 10), ll = (params.ll || '').split(',').map(Number);
    if (isFinite(z) && ll.length === 2 && isFinite(ll[0]) && isFinite(ll[1]) &&
        Math.abs(ll[0]) <= 90 && Math.abs(ll[1]) <= 180) {
      view = {center: [ll[0], ll[1]], zoom: Math.max(this.map.getMinZoom(), Math.min(z, this.map.getMaxZoom()))};
    }
    return view;
  };

  GeomapApp.prototype.applyHash = function () {
    var app = this, map = this.map, view = this.readHash();
    this._quiet = true;
    this.actorLayers.forEach(function (layer, k) {
      if (app.model.actorOn[k]) { map.addLayer(layer); } else { map.removeLayer(layer); }
    });
    this._quiet = false;
    if (view) { map.setView(view.center, view.zoom); }
    this.changed();
  };

  GeomapApp.prototype.writeHash = function () {
    var m = this.model, d = m.data, parts = [];
    if (m.actorOn.indexOf(0) !== -1) {
      parts.push('actors=' + d.actors.filter(function (a, k) { return m.actorOn[k]; })
        .map(function (a) { return encodeURIComponent(a.name); }).join(','));
    }
    if (m.subOn.indexOf(0) !== -1) {
      var items = [];
      d.types.forEach(function (t, ti) {
        var subs = [], all = true;
        d.subs.forEach(function (s, si) {
          if (s.type !== ti) { return; }
          if (m.subOn[si]) { subs.push(s.name); } else { all = false; }
        });
        if (all) { items.push(encodeURIComponent(t.name)); return; }
        subs.forEach(function (s) { items.push(encodeURIComponent(t.name) + ':' + encodeURIComponent(s)); });
      });
      parts.push('types=' + items.join(','));
    }
    if (m.from !== null) { parts.push('from=' + dayToIso(m.from)); }
    if (m.to !== null) { parts.push('to=' + dayToIso(m.to)); }
    var c = this.map.getCenter();
    parts.push('z=' + this.map.getZoom());
    parts.push('ll=' + c.lat.toFixed(4) + ',' + c.lng.toFixed(4));
    var hash = '#' + parts.join('&');
    this._lastHash = hash;
    if (location.hash === hash) { return; }
    try { history.replaceState(null, '', hash); } catch (err) { /* e.g. a sandboxed srcdoc iframe */ }
  };

  // ------------------------------------------------------------------ printing

  // Printing (or "Save as PDF"): the stylesheet hides the controls and keeps
  // the title, legend and scale; here the map is laid out at the size of the
  // printed page (A4 landscape, see geomap.css) and refitted to the events
  // shown, so that none falls off the page; the screen view comes back after.
  function printSupport(app) {
    var map = app.map, root = document.documentElement, saved = null;
    function before() {
      if (saved) { return; }
      var legend = map.getContainer().querySelector('.geomap-legend');
      saved = {center: map.getCenter(), zoom: map.getZoom(), legendOpen: legend ? legend.open : null};
      if (legend) { legend.open = true; }
      // A zoom animation still running would carry the view back when it ends: finish it first.
      if (map._animatingZoom && map._onZoomTransitionEnd) { map._onZoomTransitionEnd(); }
      L.DomUtil.addClass(root, 'geomap-printing');
      map.invalidateSize({animate: false, pan: false});
      app.fitToEvents(true);
      app.canvas.refresh();  // drawn now: the page is printed before the next animation frame
      saved.snapshot = canvasSnapshot(app.canvas._container);
    }
    function after() {
      if (!saved) { return; }
      saved.snapshot();
      L.DomUtil.removeClass(root, 'geomap-printing');
      var legend = map.getContainer().querySelector('.geomap-legend');
      if (legend && saved.legendOpen !== null) { legend.open = saved.legendOpen; }
      map.invalidateSize({animate: false, pan: false});
      map.setView(saved.center, saved.zoom, {animate: false});
      saved = null;
    }
    window.addEventListener('beforeprint', before);
    window.addEventListener('afterprint', after);
    if (!('onbeforeprint' in window) && window.matchMedia) {  // browsers without the before/after events
      var query = window.matchMedia('print');
      var onChange = function (e) { if (e.matches) { before(); } else { after(); } };
      if (query.addEventListener) { query.addEventListener('change', onChange); } else { query.addListener(onChange); }
    }
  }

  // Chromium prints a canvas redrawn during 'beforeprint' as an opaque white
  // sheet over the basemap; an image of it prints as drawn (a data: URL image
  // is decoded at once). Returns the function that puts the canvas back.
  function canvasSnapshot(canvas) {
    var image = el('img', {class: canvas.className, alt: ''});
    image.src = canvas.toDataURL('image/png');
    image.style.cssText = canvas.style.cssText;
    canvas.parentNode.insertBefore(image, canvas);
    canvas.style.display = 'none';
    return function () {
      image.parentNode.removeChild(image);
      canvas.style.display = '';
    };
  }

  // ------------------------------------------------------------------ the packed payload

  // The event columns and the basemap come as one base64 string of gzip'd JSON
  // (geomap/render/payload.py); the browser's own DecompressionStream opens it.
  function base64Bytes(text) {
    if (Uint8Array.fromBase64) { return Uint8Array.fromBase64(text); }
    var binary = atob(text), n = binary.length, bytes = new Uint8Array(n);
    for (var i = 0; i < n; i++) { bytes[i] = binary.charCodeAt(i); }
    return bytes;
  }

  // Opens one packed part of the payload into `data`; resolves when its keys are restored.
  function unpackPart(data, part) {
    var packed = data.packed && data.packed[part];
    if (!packed) { return Promise.resolve(data); }
    if (typeof DecompressionStream === 'undefined') {
      return Promise.reject(new Error('this browser cannot open the map data (it lacks DecompressionStream); ' +
        'use a current Chrome, Edge, Firefox or Safari'));
    }
    var stream = new Blob([base64Bytes(packed)]).stream().pipeThrough(new DecompressionStream('gzip'));
    return new Response(stream).text().then(function (json) {
      var columns = JSON.parse(json);
      delete data.packed[part];
      Object.keys(columns).forEach(function (path) {  // "a.b" is key b of data.a
        var parts = path.split('.'), holder = data;
        for (var k = 0; k < parts.length - 1; k++) { holder = holder[parts[k]]; }
        holder[parts[parts.length - 1]] = columns[path];
      });
      return data;
    });
  }

  function showFailure(map, error) {
    var box = el('div', {class: 'geomap-panel geomap-failure', role: 'alert',
      text: 'The map could not be drawn: ' + (error && error.message ? error.message : String(error))});
    map.getContainer().appendChild(box);
    window.__geomapError = String(error && error.message ? error.message : error);
  }

  // ------------------------------------------------------------------ entry point

  window.geomap = {
    instances: [],
    escapeHtml: escapeHtml,
    unpackPart: unpackPart,
    // Opens the packed columns and draws the markers, then opens the texts of
    // the popups (most of the bytes) while the map is already on screen.
    // Resolves to the app once everything is loaded (window.__geomapReady);
    // rejects, with a message on the map, if the data cannot be opened.
    mount: function (map, dataId) {
      var data = JSON.parse(document.getElementById(dataId).textContent), app;
      return unpackPart(data, 'core').then(function () {
        if (!data.text) { data.text = {}; }
        app = new GeomapApp(map, data);
        var drawn = new Promise(function (resolve) { map.once('geomap:ready', resolve); });
        app.textLoaded = drawn.then(function () { return unpackPart(data, 'text'); })
          .then(function () { app.textReady = true; });
        app.start();
        printSupport(app);
        window.geomap.instances.push(app);
        return app.textLoaded;
      }).then(function () {
        window.__geomapReady = true;
        map.fire('geomap:loaded');
        return app;
      }, function (error) {
        showFailure(map, error);
        throw error;
      });
    }
  };
})();
