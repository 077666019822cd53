/*
 * geomap client code: draws the embedded event table on a canvas and adds the
 * filter panel, legend, "not on the map" panel and URL state.
 *
 * Every string that comes from the data is put into the page with
 * textContent (or escapeHtml where Leaflet insists on an HTML string), so a
 * hostile event text is shown, never run. Needs only Leaflet.
 *
 * This file holds the model, the canvas layer, popups and the panels; the
 * files loaded after it add the URL state (geomap-state.js), the layout of
 * the panels in the frame (geomap-layout.js), the timeline under the map
 * (geomap-timeline.js) and the list of events (geomap-list.js), each through
 * the `window.geomap` namespace set up here.
 */
(function () {
  'use strict';

  // Clustering is a grid over the currently visible events, recomputed on each
  // redraw (O(n), a few ms at 100,000 events), so clusters always respect the
  // filters. Leaflet.markercluster needed ~11 s to index 100,000 markers in
  // headless Chromium and would have to re-index on every filter change.
  var CLUSTER_CELL = 64;          // px: events closer than this merge into one cluster
  var CLUSTER_UNTIL_ZOOM = 13;    // from this zoom on, every event is drawn on its own
  var CLUSTER_SEGMENTS = 6;       // actors drawn as their own share of a cluster's ring
  var POPUP_PAGE = 10;            // events per page of a popup at a crowded spot
  var DAY_MS = 86400000;
  var NO_DAY = -2147483648;       // an unknown day in the Int32 date arrays
  var OTHER_SHARE = '#b8b8b8';    // the ring segment of the actors not drawn on their own

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

  // A button with its visible text and a name that says what it does.
  function button(text, label, cls, onClick) {
    var b = el('button', {type: 'button', class: cls || 'geomap-link', text: text, 'aria-label': label, title: label});
    L.DomEvent.on(b, 'click', function (e) { L.DomEvent.stop(e); onClick(e); });
    return b;
  }

  function formatNumber(value) { return Number(value).toLocaleString('en-US'); }

  function dayToIso(day) { return new Date(day * DAY_MS).toISOString().slice(0, 10); }

  function isoToDay(text) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) { return null; }
    var ms = Date.parse(text + 'T00:00:00Z');
    return isNaN(ms) ? null : Math.round(ms / DAY_MS);
  }

  // First and last day of the ISO week (Monday to Sunday) or calendar month holding `day`.
  function weekOf(day) { var monday = day - ((day + 3) % 7 + 7) % 7; return [monday, monday + 6]; }
  function monthOf(day) {
    var d = new Date(day * DAY_MS), y = d.getUTCFullYear(), m = d.getUTCMonth();
    return [Date.UTC(y, m, 1) / DAY_MS, Date.UTC(y, m + 1, 0) / DAY_MS];
  }

  // Text with marks: `spans` is a flat [start, end, ...] list of offsets, or,
  // when no offsets are known, the first occurrence of `needle` is marked.
  function highlighted(text, spans, needle) {
    var span = el('span');
    if (!spans && needle) {
      var hit = text.toLowerCase().indexOf(String(needle).toLowerCase());
      spans = hit === -1 ? null : [hit, hit + needle.length];
    }
    if (!spans) { span.textContent = text; return span; }
    var pairs = [];
    for (var k = 0; k + 1 < spans.length; k += 2) { pairs.push([spans[k], spans[k + 1]]); }
    pairs.sort(function (a, b) { return a[0] - b[0]; });
    var at = 0;
    pairs.forEach(function (p) {
      var start = Math.max(p[0], at), end = Math.min(p[1], text.length);
      if (end <= start) { return; }
      span.appendChild(document.createTextNode(text.slice(at, start)));
      span.appendChild(el('mark', {text: text.slice(start, end)}));
      at = end;
    });
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
    return Math.min(5 + 1.4 * Math.sqrt(fatalities || 0), 18);
  }

  // White diagonal stripes, the third actor channel: one pattern per canvas context.
  function stripePattern(ctx) {
    if (ctx.__geomapStripes) { return ctx.__geomapStripes; }
    var tile = document.createElement('canvas');
    tile.width = tile.height = 6;
    var t = tile.getContext('2d');
    t.strokeStyle = 'rgba(255,255,255,0.95)';
    t.lineWidth = 1.6;
    t.beginPath();
    t.moveTo(-1, 7); t.lineTo(7, -1);
    t.moveTo(-1, 1); t.lineTo(1, -1);
    t.moveTo(5, 7); t.lineTo(7, 5);
    t.stroke();
    ctx.__geomapStripes = ctx.createPattern(tile, 'repeat');
    return ctx.__geomapStripes;
  }

  // Fill the path already traced in `ctx` with an actor's colour and second channel.
  // `centres` is a flat [x, y, r, ...] list of the markers in the path (for the dots).
  function fillActor(ctx, actor, centres) {
    ctx.fillStyle = actor.color;
    ctx.fill();
    if (actor.style === 'stripes') {
      ctx.fillStyle = stripePattern(ctx);
      ctx.fill();
    } else if (actor.style === 'dot') {
      ctx.save();
      ctx.globalAlpha = 1;
      ctx.beginPath();
      for (var j = 0; j < centres.length; j += 3) {
        var d = Math.max(1.7, centres[j + 2] * 0.36);
        ctx.moveTo(centres[j] + d, centres[j + 1]);
        ctx.arc(centres[j], centres[j + 1], d, 0, 2 * Math.PI);
      }
      ctx.fillStyle = '#fff'; ctx.fill();
      ctx.lineWidth = 0.8; ctx.strokeStyle = 'rgba(20,20,20,0.9)'; ctx.stroke();
      ctx.restore();
    }
  }

  // A small canvas showing one symbol, for the legend.
  function symbolIcon(shape, actor, radius) {
    var size = Math.ceil(2 * radius * 1.35 + 4);
    var canvas = el('canvas', {width: size, height: size, class: 'geomap-symbol', 'aria-hidden': 'true'});
    var ctx = canvas.getContext('2d');
    ctx.beginPath();
    shapePath(ctx, shape, size / 2, size / 2, radius);
    fillActor(ctx, typeof actor === 'string' ? {color: actor, style: 'solid'} : actor, [size / 2, size / 2, radius]);
    ctx.beginPath();
    shapePath(ctx, shape, size / 2, size / 2, radius);
    ctx.lineWidth = 1; ctx.strokeStyle = '#222'; ctx.stroke();
    return canvas;
  }

  var STYLES = {solid: 1, dot: 1, stripes: 1};

  // An actor's colour swatch with its second channel (CSS draws the dot or stripes).
  function actorSwatch(actor) {
    var style = STYLES[actor.style] ? actor.style : 'solid';
    return el('span', {class: 'geomap-swatch geomap-style-' + style, style: 'background-color:' + actor.color,
      'aria-hidden': 'true'});
  }

  // ------------------------------------------------------------------ the model

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
    ['fat', 'wounded', 'precision', 'tprec'].forEach(function (name) {
      if (!data[name]) { data[name] = new Array(n).fill(null); }
    });
    if (!data.actor2) { data.actor2 = new Array(n).fill(-1); }
    var day0 = data.day0;
    data.day = data.day ? data.day.map(function (v) { return v === null ? null : v + day0; }) : new Array(n).fill(null);
    return data;
  }

  // Events in columnar form plus the filter state and the counts it gives.
  function Model(data) {
    var n = data.lat.length, i;
    normalise(data);
    this.data = data;
    this.n = n;
    this.actorOn = new Uint8Array(data.actors.length).fill(1);
    this.subOn = new Uint8Array(data.subs.length).fill(1);
    this.mode = 'either';           // an actor's events: as either side, or only as doer (actor1)
    this.from = null;
    this.to = null;
    this.visible = new Uint8Array(n);
    this.passNoDate = new Uint8Array(n);   // passes the actor and type filters (the timeline counts these)
    this.actorCount = new Int32Array(data.actors.length);  // live badges: events the other filters leave
    this.subCount = new Int32Array(data.subs.length);
    this.shownByActor = new Int32Array(data.actors.length); // events shown, by doer (the legend's colours)
    this.subShown = new Int32Array(data.subs.length);
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
    this.dateRanges();
  }

  // Each event's first and last possible day, from event_date and time_precision:
  // an event known to the week or the month spans it (ACLED's time_precision 2 and 3).
  Model.prototype.dateRanges = function () {
    var d = this.data, n = this.n, lo = new Int32Array(n), hi = new Int32Array(n);
    var min = null, max = null;
    for (var i = 0; i < n; i++) {
      var day = d.day[i];
      if (day === null) { lo[i] = hi[i] = NO_DAY; continue; }
      var range = d.tprec[i] === 3 ? monthOf(day) : d.tprec[i] === 2 ? weekOf(day) : [day, day];
      lo[i] = range[0]; hi[i] = range[1];
      if (min === null || range[0] < min) { min = range[0]; }
      if (max === null || range[1] > max) { max = range[1]; }
    }
    this.dayLo = lo; this.dayHi = hi;
    this.minDay = min; this.maxDay = max;
  };

  // One pass: what is shown, and every count the badges, legend and timeline read.
  Model.prototype.applyFilters = function () {
    var d = this.data, vis = this.visible, pass = this.passNoDate, shown = 0, fat = 0;
    var actor = d.actor, actor2 = d.actor2, sub = d.sub, actorOn = this.actorOn, subOn = this.subOn;
    var lo = this.dayLo, hi = this.dayHi, either = this.mode !== 'doer';
    var from = this.from === null ? -Infinity : this.from, to = this.to === null ? Infinity : this.to;
    var dated = this.from !== null || this.to !== null;
    var actorCount = this.actorCount, subCount = this.subCount, byActor = this.shownByActor, subShown = this.subShown;
    actorCount.fill(0); subCount.fill(0); byActor.fill(0); subShown.fill(0);
    for (var i = 0; i < this.n; i++) {
      var a1 = actor[i], a2 = either ? actor2[i] : -1, s = sub[i];
      var aOk = actorOn[a1] || (a2 >= 0 && actorOn[a2]);
      var tOk = subOn[s];
      var dOk = !dated || (lo[i] !== NO_DAY && lo[i] <= to && hi[i] >= from);
      if (dOk) {
        if (aOk) { subCount[s]++; }
        if (tOk) { actorCount[a1]++; if (a2 >= 0 && a2 !== a1) { actorCount[a2]++; } }
      }
      var ok = aOk && tOk;
      pass[i] = ok ? 1 : 0;
      ok = ok && dOk;
      vis[i] = ok ? 1 : 0;
      if (ok) { shown++; fat += d.fat[i] || 0; byActor[a1]++; subShown[s]++; }
    }
    this.shown = shown;
    this.fatalities = fat;
  };

  Model.prototype.typeCount = function (counts, t) {
    var total = 0;
    for (var s = 0; s < this.typeOfSub.length; s++) { if (this.typeOfSub[s] === t) { total += counts[s]; } }
    return total;
  };

  // The filter state as a plain object (for history and links), and back.
  Model.prototype.getState = function () {
    return {actors: Array.from(this.actorOn), subs: Array.from(this.subOn), mode: this.mode, from: this.from, to: this.to};
  };

  Model.prototype.setState = function (state) {
    this.actorOn.set(state.actors);
    this.subOn.set(state.subs);
    this.mode = state.mode === 'doer' ? 'doer' : 'either';
    this.from = state.from;
    this.to = state.to;
  };

  Model.prototype.defaultState = function () {
    return {actors: new Array(this.actorOn.length).fill(1), subs: new Array(this.subOn.length).fill(1),
      mode: 'either', from: null, to: null};
  };

  // True when some filter hides events (what the "filtered" badge says).
  Model.prototype.filtering = function () {
    return this.actorOn.indexOf(0) !== -1 || this.subOn.indexOf(0) !== -1 || this.from !== null || this.to !== null;
  };

  // A text column holds each distinct value once: {codes} into the shared
  // strings, {values, codes} of its own, or {values} when nothing repeats.
  Model.prototype.text = function (column, i) {
    var col = this.data.text[column];
    if (!col) { return ''; }
    if (!col.codes) { return col.values[i]; }
    return col.values ? col.values[col.codes[i]] : this.data.strings[col.codes[i]];
  };

  Model.prototype.actor2Name = function (i) {
    var k = this.data.actor2[i];
    return k >= 0 ? this.data.actors[k].name : '';
  };

  // Date as a reader should take it: a day, a week or a month (time_precision).
  Model.prototype.dateText = function (i, short) {
    var day = this.data.day[i], p = this.data.tprec[i];
    if (day === null) { return 'date unknown'; }
    if (p === 3) { return dayToIso(day).slice(0, 7) + (short ? ' (month)' : ' (only the month is known)'); }
    if (p === 2) {
      return short ? 'week of ' + dayToIso(this.dayLo[i]) :
        'week of ' + dayToIso(this.dayLo[i]) + ' to ' + dayToIso(this.dayHi[i]) + ' (only the week is known)';
    }
    return dayToIso(day);
  };

  // The whole pixel event i is drawn at, at the zoom whose world size is
  // `scale` px, as one number (exact up to zoom 18). Events on one spot are
  // one stack: one marker, their count beside it, one popup paging through them.
  Model.prototype.spot = function (i, scale) {
    return Math.round(this.wx[i] * scale) * 134217728 + Math.round(this.wy[i] * scale);
  };

  // Visible events on the spot of event i at that zoom (its stack), in date order.
  Model.prototype.stackAt = function (i, scale) {
    var out = [], spot = this.spot(i, scale);
    for (var j = 0; j < this.n; j++) {
      if (this.visible[j] && this.spot(j, scale) === spot) { out.push(j); }
    }
    return this.byDate(out);
  };

  Model.prototype.byDate = function (events) {
    var lo = this.dayLo;
    return events.slice().sort(function (a, b) { return (lo[a] - lo[b]) || (a - b); });
  };

  // ------------------------------------------------------------------ the canvas layer

  function clusterRadius(n) { return 11 + 4.5 * Math.log10(n); }

  // A Leaflet canvas renderer that draws the visible events itself (markers or
  // clusters) instead of one Leaflet object per event.
  var EventsCanvas = L.Canvas.extend({
    initialize: function (model, options) {
      L.Canvas.prototype.initialize.call(this, options);
      this._model = model;
      this._hits = {idx: [], x: [], y: [], r: [], spot: []};
      this._clusters = [];
      this._focus = null;
    },

    refresh: function () {
      if (this._map) { this._redraw(); }
    },

    // Ring an event's marker (the one a list row or popup is about).
    focusEvent: function (i) { this._focus = i; this.refresh(); },

    clustering: function () {
      return this._model.data.cluster && this._map.getZoom() < CLUSTER_UNTIL_ZOOM;
    },

    _draw: function () {
      if (!this._map || !this._bounds) { return; }
      var map = this._map;
      var scale = map.options.crs.scale(map.getZoom()), origin = map.getPixelOrigin();
      var b = this._bounds, ctx = this._ctx;
      this._hits = {idx: [], x: [], y: [], r: [], spot: []};
      this._clusters = [];
      ctx.save();
      if (this.clustering()) { this._drawClusters(ctx, scale, origin, b); }
      else { this._drawMarkers(ctx, scale, origin, b, null); }
      this._drawFocus(ctx, scale, origin);
      ctx.restore();
      if (window.__geomapReadyAt === undefined) {
        // Milliseconds since navigation start until the first markers are drawn,
        // read by bench/bench_map.py. (__geomapReady: everything loaded, see mount.)
        window.__geomapReadyAt = performance.now();
      }
      if (!this._announced) { this._announced = true; this._map.fire('geomap:ready'); }
    },

    // Individual markers, batched into one path per (actor, type) for speed;
    // events stacked on one point get a count beside their marker.
    _drawMarkers: function (ctx, scale, origin, b, only) {
      var model = this._model, d = model.data, groups = {}, keys = [], stacks = new Map();
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
        var spot = model.spot(i, scale), stack = stacks.get(spot);
        hits.idx.push(i); hits.x.push(x); hits.y.push(y); hits.r.push(r); hits.spot.push(spot);
        if (stack) { stack.n++; stack.r = Math.max(stack.r, r); } else { stacks.set(spot, {x: x, y: y, r: r, n: 1}); }
      }
      keys.sort(function (a, c) { return a - c; });
      ctx.lineWidth = 1;
      keys.forEach(function (key) {
        var pts = groups[key], actor = d.actors[Math.floor(key / ntypes)], shape = d.types[key % ntypes].shape;
        ctx.beginPath();
        for (var j = 0; j < pts.length; j += 3) { shapePath(ctx, shape, pts[j], pts[j + 1], pts[j + 2]); }
        ctx.globalAlpha = 0.88;
        fillActor(ctx, actor, pts);
        ctx.globalAlpha = 1;
        ctx.strokeStyle = 'rgba(20,20,20,0.85)';
        ctx.stroke();
      });
      this._drawStackCounts(ctx, stacks);
    },

    _drawStackCounts: function (ctx, stacks) {
      ctx.font = 'bold 10px "Helvetica Neue", Arial, sans-serif';
      ctx.textAlign = 'center';
      ctx.textBaseline = 'middle';
      stacks.forEach(function (s) {
        if (s.n < 2) { return; }
        var text = s.n >= 10000 ? Math.round(s.n / 1000) + 'k' : String(s.n);
        var w = Math.max(14, ctx.measureText(text).width + 6), h = 13;
        var x = s.x + s.r * 0.75 + w / 2 - 2, y = s.y - s.r * 0.75 - 2;
        ctx.beginPath();
        ctx.rect(x - w / 2, y - h / 2, w, h);
        ctx.fillStyle = '#fff'; ctx.fill();
        ctx.lineWidth = 1; ctx.strokeStyle = '#333'; ctx.stroke();
        ctx.fillStyle = '#111';
        ctx.fillText(text, x, y + 0.5);
      });
    },

    _drawFocus: function (ctx, scale, origin) {
      var i = this._focus, model = this._model;
      if (i === null || i === undefined || !model.visible[i]) { return; }
      var x = model.wx[i] * scale - origin.x, y = model.wy[i] * scale - origin.y;
      var r = markerRadius(model.data.fat[i]) + 6;
      ctx.beginPath(); ctx.arc(x, y, r, 0, 2 * Math.PI);
      ctx.lineWidth = 3; ctx.strokeStyle = '#fff'; ctx.stroke();
      ctx.beginPath(); ctx.arc(x, y, r, 0, 2 * Math.PI);
      ctx.lineWidth = 1.5; ctx.strokeStyle = '#d40000'; ctx.stroke();
    },

    // Grid clustering of the visible events: O(n) per redraw, so filters stay instant.
    _drawClusters: function (ctx, scale, origin, b) {
      var model = this._model, d = model.data, cells = new Map(), list = [];
      for (var i = 0; i < model.n; i++) {
        if (!model.visible[i]) { continue; }
        var px = model.wx[i] * scale, py = model.wy[i] * scale;
        var key = Math.floor(px / CLUSTER_CELL) * 1e7 + Math.floor(py / CLUSTER_CELL);
        var cell = cells.get(key);
        if (!cell) {
          cell = {n: 0, sx: 0, sy: 0, members: [], actors: {}};
          cells.set(key, cell);
          list.push(cell);
        }
        cell.n++; cell.sx += px; cell.sy += py; cell.members.push(i);
        var a = d.actor[i];
        cell.actors[a] = (cell.actors[a] || 0) + 1;
      }
      var singles = [];
      list.forEach(function (cell) {
        if (cell.n === 1) { singles.push(cell.members[0]); return; }
        var x = cell.sx / cell.n - origin.x, y = cell.sy / cell.n - origin.y;
        var r = clusterRadius(cell.n);
        if (x < b.min.x - r || x > b.max.x + r || y < b.min.y - r || y > b.max.y + r) { return; }
        this._clusters.push({x: x, y: y, r: r, members: cell.members, actors: cell.actors});
      }, this);
      this._drawMarkers(ctx, scale, origin, b, singles);
      this._clusters.forEach(function (c) { drawCluster(ctx, c, d.actors); });
    },

    // What lies under a layer point: a cluster, or the stack of events (one
    // spot, see Model.spot) whose marker is nearest, as many as its count says.
    hitTest: function (point) {
      var i, best = null;
      for (i = 0; i < this._clusters.length; i++) {
        var c = this._clusters[i], dx = c.x - point.x, dy = c.y - point.y;
        if (dx * dx + dy * dy <= c.r * c.r) { best = c; }
      }
      if (best) { return {cluster: best}; }
      var hits = this._hits, nearest = -1, distance = Infinity;
      for (i = 0; i < hits.idx.length; i++) {
        var ex = hits.x[i] - point.x, ey = hits.y[i] - point.y, rr = hits.r[i] + 3, d2 = ex * ex + ey * ey;
        if (d2 <= rr * rr && d2 < distance) { nearest = i; distance = d2; }
      }
      if (nearest < 0) { return null; }
      var found = [];
      for (i = 0; i < hits.idx.length; i++) { if (hits.spot[i] === hits.spot[nearest]) { found.push(hits.idx[i]); } }
      return {events: found};
    },

    _onClick: function (e) {
      if (e.type !== 'click' || !this._map) { return L.Canvas.prototype._onClick.call(this, e); }
      var hit = this.hitTest(this._map.mouseEventToLayerPoint(e));
      if (hit) { this.fire('hit', {hit: hit, originalEvent: e}); return; }
      L.Canvas.prototype._onClick.call(this, e);
    },

    _onMouseMove: function (e) {
      if (!this._map || this._map.dragging.moving() || this._map._animatingZoom) { return; }
      var point = this._map.mouseEventToLayerPoint(e), hit = this.hitTest(point);
      this._container.style.cursor = hit ? 'pointer' : '';
      this.fire('hover', {hit: hit, point: this._map.mouseEventToContainerPoint(e)});
    },

    _handleMouseOut: function (e) {
      L.Canvas.prototype._handleMouseOut.call(this, e);
      this.fire('hover', {hit: null});
    }
  });

  // A cluster: a ring split by the actors' shares (largest first, clockwise
  // from the top), the count in a white disc, its size on a log scale.
  function drawCluster(ctx, c, actors) {
    var n = c.members.length, shares = [];
    Object.keys(c.actors).forEach(function (k) { shares.push([+k, c.actors[k]]); });
    shares.sort(function (a, b) { return (b[1] - a[1]) || (a[0] - b[0]); });
    var rest = 0;
    shares.slice(CLUSTER_SEGMENTS).forEach(function (s) { rest += s[1]; });
    shares = shares.slice(0, CLUSTER_SEGMENTS);
    var inner = c.r * 0.62, angle = -Math.PI / 2;
    function segment(colour, count) {
      var next = angle + 2 * Math.PI * count / n;
      ctx.beginPath();
      ctx.arc(c.x, c.y, c.r, angle, next);
      ctx.arc(c.x, c.y, inner, next, angle, true);
      ctx.closePath();
      ctx.fillStyle = colour; ctx.fill();
      ctx.lineWidth = 0.75; ctx.strokeStyle = '#fff'; ctx.stroke();
      angle = next;
    }
    shares.forEach(function (s) { segment(actors[s[0]].color, s[1]); });
    if (rest) { segment(OTHER_SHARE, rest); }
    ctx.beginPath(); ctx.arc(c.x, c.y, inner, 0, 2 * Math.PI);
    ctx.fillStyle = 'rgba(255,255,255,0.95)'; ctx.fill();
    ctx.beginPath(); ctx.arc(c.x, c.y, c.r, 0, 2 * Math.PI);
    ctx.lineWidth = 1; ctx.strokeStyle = 'rgba(20,20,20,0.8)'; ctx.stroke();
    ctx.font = 'bold ' + (c.r > 22 ? 12 : 11) + 'px "Helvetica Neue", Arial, sans-serif';
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.fillStyle = '#111';
    ctx.fillText(n >= 10000 ? Math.round(n / 1000) + 'k' : String(n), c.x, c.y + 0.5);
  }

  // ------------------------------------------------------------------ summaries and popups

  // "A 12 · B 8 · 3 others" for the most frequent values of `keyOf` over `events`.
  function tally(events, keyOf, nameOf, limit) {
    var counts = new Map();
    events.forEach(function (i) { var k = keyOf(i); counts.set(k, (counts.get(k) || 0) + 1); });
    var rows = Array.from(counts.entries()).sort(function (a, b) { return (b[1] - a[1]) || (a[0] - b[0]); });
    var parts = rows.slice(0, limit).map(function (r) { return nameOf(r[0]) + ' ' + formatNumber(r[1]); });
    if (rows.length > limit) { parts.push((rows.length - limit) + ' more'); }
    return parts.join(' · ');
  }

  function actorTally(model, events, limit) {
    var d = model.data;
    return tally(events, function (i) { return d.actor[i]; }, function (k) { return d.actors[k].name; }, limit);
  }

  function typeTally(model, events, limit) {
    var d = model.data;
    return tally(events, function (i) { return model.typeOfSub[d.sub[i]]; }, function (t) { return d.types[t].name; }, limit);
  }

  var PRECISION = {1: 'exact place', 2: 'near the place', 3: 'region/district'};
  var TIME_PRECISION = {1: 'day', 2: 'week', 3: 'month'};

  function eventCard(model, i) {
    var d = model.data, actor = d.actors[d.actor[i]], sub = d.subs[d.sub[i]];
    var type = d.types[sub.type].name;
    var location = model.text('location', i), admin1 = model.text('admin1', i);
    var prec = d.precision[i], tprec = d.tprec[i];
    var rows = [];
    function row(label, value) {
      if (value === '' || value === null || value === undefined) { return; }
      rows.push(el('tr', {}, [el('th', {text: label}), el('td', {}, [value])]));
    }
    row('Actor', el('span', {}, [actorSwatch(actor), actor.name]));
    var other = model.actor2Name(i);
    if (other) { row('Other party', el('span', {}, [actorSwatch(d.actors[d.actor2[i]]), other])); }
    row('Place', [location, admin1 && admin1 !== location ? ' (' + admin1 + ')' : ''].join('') +
        (prec ? ' · precision ' + prec + (PRECISION[prec] ? ' (' + PRECISION[prec] + ')' : '') : ''));
    if (tprec) { row('Date known to', 'the ' + (TIME_PRECISION[tprec] || 'precision ' + tprec) + ' (time precision ' + tprec + ')'); }
    row('Fatalities', d.fat[i] === null ? 'unknown' : String(d.fat[i]));
    if (d.wounded[i] !== null) { row('Wounded', String(d.wounded[i])); }
    row('Document', model.text('doc_id', i));
    row('Event id', model.text('event_id', i));
    row('Source', model.text('source', i));
    var notes = model.text('notes', i);
    var reason = model.text('reason', i);
    var marks = d.marks ? d.marks[i] : null;  // offsets into the notes, opened with them
    return el('div', {class: 'geomap-card', 'data-event': String(i)}, [
      el('div', {class: 'geomap-card-head'}, [
        el('strong', {text: model.dateText(i)}), ' · ', type, sub.name ? ' / ' + sub.name : ''
      ]),
      el('table', {}, rows),
      notes ? el('blockquote', {title: marks ? 'the place mention this event was located from is highlighted' : ''},
        [highlighted(notes, marks, location)]) : null,
      reason ? el('div', {class: 'geomap-reason', text: reason}) : null
    ]);
  }

  // A popup for one or more events: a summary by actor and type, and pages of
  // POPUP_PAGE cards with buttons to go through all of them.
  function StackPopup(model, events, focus) {
    this.model = model;
    this.events = events;
    this.focus = focus === undefined ? null : focus;
    var at = this.focus === null ? 0 : Math.max(0, events.indexOf(this.focus));
    this.page = Math.floor(at / POPUP_PAGE);
    this.box = el('div', {class: 'geomap-popup'});
    this.render();
  }

  StackPopup.prototype.pages = function () { return Math.ceil(this.events.length / POPUP_PAGE); };

  StackPopup.prototype.render = function () {
    var self = this, model = this.model, events = this.events, box = this.box;
    box.textContent = '';
    if (events.length > 1) {
      box.appendChild(el('div', {class: 'geomap-popup-count', text: formatNumber(events.length) + ' events here'}));
      box.appendChild(el('div', {class: 'geomap-popup-summary'}, [
        el('div', {}, [el('span', {class: 'geomap-popup-label', text: 'By actor: '}), actorTally(model, events, 4)]),
        el('div', {}, [el('span', {class: 'geomap-popup-label', text: 'By type: '}), typeTally(model, events, 3)])
      ]));
    }
    var first = this.page * POPUP_PAGE, last = Math.min(first + POPUP_PAGE, events.length);
    if (this.pages() > 1) {
      var prev = button('‹ Previous', 'Previous ' + POPUP_PAGE + ' events at this place', 'geomap-page-button',
        function () { self.go(-1); });
      var next = button('Next ›', 'Next ' + POPUP_PAGE + ' events at this place', 'geomap-page-button',
        function () { self.go(1); });
      prev.disabled = this.page === 0;
      next.disabled = this.page === this.pages() - 1;
      prev.setAttribute('data-page', 'previous');
      next.setAttribute('data-page', 'next');
      box.appendChild(el('div', {class: 'geomap-pager'}, [
        prev, el('span', {class: 'geomap-page-range', 'aria-live': 'polite',
          text: 'Events ' + formatNumber(first + 1) + '–' + formatNumber(last) + ' of ' + formatNumber(events.length)}),
        next
      ]));
    }
    if (!model.textsOpen) {
      box.appendChild(el('div', {class: 'geomap-more geomap-opening', text: 'Opening the texts of the events…'}));
    }
    var cards = el('div', {class: 'geomap-cards'});
    events.slice(first, last).forEach(function (i) {
      var card = eventCard(model, i);
      if (i === self.focus) { card.className += ' geomap-card-focus'; }
      cards.appendChild(card);
    });
    box.appendChild(cards);
    if (this.popup) { this.popup.update(); }
  };

  StackPopup.prototype.go = function (step) {
    this.page = Math.max(0, Math.min(this.pages() - 1, this.page + step));
    this.render();
    var pager = this.box.querySelector(step < 0 ? '[data-page=previous]' : '[data-page=next]');
    if (pager && !pager.disabled) { pager.focus(); }
  };

  // Hover text for a cluster or a stack of events.
  function hoverSummary(model, hit) {
    var events = hit.cluster ? hit.cluster.members : hit.events;
    if (!hit.cluster && events.length === 1) {
      var i = events[0], d = model.data;
      return model.dateText(i, true) + ' · ' + d.actors[d.actor[i]].name + ' · ' + d.types[model.typeOfSub[d.sub[i]]].name;
    }
    return formatNumber(events.length) + ' events' + (hit.cluster ? '' : ' here') + '\n' +
      actorTally(model, events, 4) + '\n' + typeTally(model, events, 3) +
      (hit.cluster ? '\nClick to zoom in' : '\nClick to page through them');
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

  // A control holding a panel: a <details> whose <summary> is the compact
  // button and whose body the layout code shows beside the map or as a sheet.
  function panelControl(options) {
    var Panel = L.Control.extend({
      onAdd: function () {
        var close = button('×', 'Close ' + options.name, 'geomap-close', function () { panel.open = false; });
        var body = el('div', {class: 'geomap-panel-body'}, options.body);
        var panel = el('details', {class: 'geomap-panel ' + options.cls, 'data-panel': options.key}, [
          el('summary', {title: options.name}, options.summary),
          el('div', {class: 'geomap-panel-content'}, [
            el('div', {class: 'geomap-sheet-head'}, [el('span', {text: options.name}), close]),
            body
          ])
        ]);
        if (options.id) { panel.id = options.id; }
        L.DomEvent.disableClickPropagation(panel);
        L.DomEvent.disableScrollPropagation(panel);
        return panel;
      }
    });
    return new Panel({position: options.position});
  }

  function titleControl(title) {
    var Title = L.Control.extend({
      onAdd: function () { return el('div', {class: 'geomap-title', text: title, title: title}); }
    });
    return new Title({position: 'topleft'});
  }

  // A 16 px line icon (SVG built node by node, like every other element).
  var ICONS = {
    fit: 'M2 5V2h3M11 2h3v3M14 11v3h-3M5 14H2v-3M6.5 8a1.5 1.5 0 1 0 3 0a1.5 1.5 0 1 0-3 0',
    fullscreen: 'M2 6V2h4M10 2h4v4M14 10v4h-4M6 14H2v-4',
    newtab: 'M9 2h5v5M14 2L7 9M12 9v5H2V4h5'
  };

  function icon(name) {
    var ns = 'http://www.w3.org/2000/svg', svg = document.createElementNS(ns, 'svg');
    svg.setAttribute('viewBox', '0 0 16 16');
    svg.setAttribute('width', '16');
    svg.setAttribute('height', '16');
    svg.setAttribute('aria-hidden', 'true');
    var path = document.createElementNS(ns, 'path');
    path.setAttribute('d', ICONS[name]);
    path.setAttribute('fill', 'none');
    path.setAttribute('stroke', 'currentColor');
    path.setAttribute('stroke-width', '1.8');
    svg.appendChild(path);
    return svg;
  }

  function withIcon(node, name) { node.textContent = ''; node.appendChild(icon(name)); return node; }

  // Zoom to the events shown, full screen, and (inside a frame) open in a new tab.
  function toolsControl(app) {
    var Tools = L.Control.extend({
      onAdd: function () {
        var bar = el('div', {class: 'leaflet-bar geomap-tools'});
        bar.appendChild(withIcon(button('', 'Zoom to the events shown', 'geomap-tool geomap-fit',
          function () { app.fitShown(true, true); }), 'fit'));
        var root = document.documentElement;
        if (document.fullscreenEnabled && root.requestFullscreen) {
          var full = withIcon(button('', 'Full screen', 'geomap-tool geomap-fullscreen', function () {
            if (document.fullscreenElement) { document.exitFullscreen(); } else { root.requestFullscreen(); }
          }), 'fullscreen');
          document.addEventListener('fullscreenchange', function () {
            var label = document.fullscreenElement ? 'Leave full screen' : 'Full screen';
            full.setAttribute('aria-label', label); full.title = label;
          });
          bar.appendChild(full);
        }
        // In a frame of a page (an embed), not in a notebook's srcdoc frame, which has no address to open.
        if (window.self !== window.top && /^(https?|file):$/.test(location.protocol)) {
          app.newTab = el('a', {class: 'geomap-tool geomap-newtab', href: location.href, target: '_blank',
            rel: 'noopener', 'aria-label': 'Open the map in a new tab', title: 'Open the map in a new tab'});
          withIcon(app.newTab, 'newtab');
          bar.appendChild(app.newTab);
        }
        L.DomEvent.disableClickPropagation(bar);
        return bar;
      }
    });
    return new Tools({position: 'topleft'});
  }

  // "Filtered" badge, and a notice for what a link asked for that this map lacks.
  function messagesControl(app) {
    var Messages = L.Control.extend({
      onAdd: function () {
        app.badgeText = el('span', {class: 'geomap-badge-text'});
        app.badge = el('div', {class: 'geomap-badge', hidden: 'hidden'}, [
          app.badgeText, button('Show all', 'Show all events (clear every filter)', 'geomap-link geomap-show-all',
            function () { app.setState(app.model.defaultState(), 'push'); })
        ]);
        app.noticeText = el('div', {class: 'geomap-notice-text'});
        app.notice = el('div', {class: 'geomap-notice', role: 'status', hidden: 'hidden'}, [
          app.noticeText, button('×', 'Dismiss this notice', 'geomap-close', function () { app.showNotice([]); })
        ]);
        var box = el('div', {class: 'geomap-messages'}, [app.badge, app.notice]);
        L.DomEvent.disableClickPropagation(box);
        return box;
      }
    });
    return new Messages({position: 'topleft'});
  }

  function legendControl(app) {
    var d = app.model.data;
    app.legendActors = el('div', {class: 'geomap-legend-actors'});
    app.legendTypes = [];
    var types = el('div', {class: 'geomap-legend-section'}, [el('h4', {text: 'Event types'})]);
    d.types.forEach(function (t) {
      var rowEl = el('div', {class: 'geomap-legend-row'}, [symbolIcon(t.shape, '#bbbbbb', 6), t.name]);
      app.legendTypes.push(rowEl);
      types.appendChild(rowEl);
    });
    var sizes = el('div', {class: 'geomap-legend-section geomap-sizes'}, [el('h4', {text: 'Fatalities'})]);
    [0, 1, 10, 100].forEach(function (f) {
      sizes.appendChild(el('span', {class: 'geomap-size'}, [
        symbolIcon('circle', '#bbbbbb', markerRadius(f)), f === 100 ? '100+' : String(f)
      ]));
    });
    var notes = el('div', {class: 'geomap-legend-section geomap-more'}, [
      'A number beside a marker: events at the same point; click to page through them.'
    ]);
    var body = [el('div', {class: 'geomap-legend-section'}, [el('h4', {text: 'Actors (doer) shown'}), app.legendActors]),
      types, sizes, notes];
    if (d.cluster) {
      body.push(el('div', {class: 'geomap-legend-section geomap-more',
        text: 'Rings group nearby events: their colours are the actors\' shares, their size grows with the ' +
          'logarithm of the count; hover for a summary, click to zoom in.'}));
    }
    return panelControl({key: 'legend', name: 'Legend', cls: 'geomap-legend', summary: ['Legend'],
      position: 'bottomleft', body: body});
  }

  // The legend's actors: those with events shown, most first (it follows the filters).
  GeomapApp.prototype.updateLegend = function () {
    var m = this.model, d = m.data, box = this.legendActors;
    if (!box) { return; }
    var order = [];
    for (var k = 0; k < d.actors.length; k++) { if (m.shownByActor[k]) { order.push(k); } }
    order.sort(function (a, b) { return (m.shownByActor[b] - m.shownByActor[a]) || (a - b); });
    box.textContent = '';
    order.forEach(function (k) {
      box.appendChild(el('div', {class: 'geomap-legend-row', title: d.actors[k].name}, [actorSwatch(d.actors[k]),
        el('span', {class: 'geomap-actor-name', text: d.actors[k].name}),
        el('span', {class: 'geomap-count', text: ' (' + formatNumber(m.shownByActor[k]) + ')'})]));
    });
    if (!order.length) { box.appendChild(el('div', {class: 'geomap-more', text: 'No event is shown.'})); }
    this.legendTypes.forEach(function (row, t) {
      L.DomUtil[m.typeCount(m.subShown, t) ? 'removeClass' : 'addClass'](row, 'geomap-off');
    });
  };

  function missingControl(model) {
    var d = model.data, unlocated = d.unlocated, missing = d.missing, flagged = d.flagged || [];
    var parts = [];
    if (unlocated !== null) { parts.push(unlocated.length + ' unlocated place mention' + (unlocated.length === 1 ? '' : 's')); }
    parts.push(missing.length + ' event' + (missing.length === 1 ? '' : 's') + ' without coordinates');
    var summary = 'Not on the map: ' + parts.join(', ');
    if (flagged.length) {
      summary += ' · ' + flagged.length + ' value' + (flagged.length === 1 ? '' : 's') + ' flagged, shown as unknown';
    }
    var total = (unlocated ? unlocated.length : 0) + missing.length + flagged.length;
    var body = [];
    if (unlocated !== null) {
      var list = el('ul', {class: 'geomap-unlocated'});
      unlocated.forEach(function (u) {
        list.appendChild(el('li', {}, [
          el('strong', {text: u.name}),
          u.doc ? el('span', {class: 'geomap-doc', text: ' · ' + u.doc}) : null,
          u.context ? el('div', {class: 'geomap-context'}, [highlighted(u.context, null, u.name)]) : null,
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
    if (!missing.length && unlocated === null) {
      body.push(el('div', {class: 'geomap-more', text: 'Every event of the table has coordinates.'}));
    }
    if (flagged.length) {
      var flags = el('ul', {class: 'geomap-flagged'});
      flagged.forEach(function (f) { flags.appendChild(el('li', {text: f})); });
      body.push(el('h4', {text: 'Flagged values (shown as unknown)'}));
      body.push(flags);
    }
    return panelControl({key: 'missing', id: 'geomap-missing', name: 'Not on the map', cls: 'geomap-missing-panel',
      position: 'bottomleft', body: body, summary: [
        el('span', {class: 'geomap-long', text: summary}),
        el('span', {class: 'geomap-short', text: 'Not on map (' + total + ')'})
      ]});
  }

  // ------------------------------------------------------------------ the filter panel

  GeomapApp.prototype.filterPanel = function () {
    var app = this, m = this.model, d = m.data;

    // Actors: which side counts, all/none, one box per actor with a live count.
    var modes = el('div', {class: 'geomap-row geomap-modes', role: 'radiogroup', 'aria-label': 'Match an actor'}, [
      el('span', {text: 'Match: '})
    ]);
    this.modeBoxes = {};
    [['either', 'as either side'], ['doer', 'as doer (actor 1)']].forEach(function (pair) {
      var box = el('input', {type: 'radio', name: 'geomap-mode-' + app.uid, value: pair[0], 'data-mode': pair[0]});
      L.DomEvent.on(box, 'change', function () { if (box.checked) { m.mode = pair[0]; app.changed('push'); } });
      app.modeBoxes[pair[0]] = box;
      modes.appendChild(el('label', {}, [box, ' ' + pair[1]]));
    });
    var actorRow = el('div', {class: 'geomap-row'}, [
      el('h4', {class: 'geomap-inline', text: 'Actors '}),
      button('all', 'Show the events of all actors', 'geomap-link', function () { app.setActors(true); }),
      button('none', 'Show the events of no actor', 'geomap-link', function () { app.setActors(false); })
    ]);
    actorRow.children[1].setAttribute('data-actors', 'all');
    actorRow.children[2].setAttribute('data-actors', 'none');
    var actors = el('ul', {class: 'geomap-actors'});
    this.actorBoxes = [];
    this.actorCounts = [];
    this.actorItems = [];
    d.actors.forEach(function (a, k) {
      var box = el('input', {type: 'checkbox', 'data-actor': a.name});
      app.actorBoxes[k] = box;
      L.DomEvent.on(box, 'change', function () { m.actorOn[k] = box.checked ? 1 : 0; app.changed('push'); });
      app.actorCounts[k] = el('span', {class: 'geomap-count'});
      app.actorItems[k] = el('li', {}, [el('label', {title: a.name}, [box, actorSwatch(a),
        el('span', {class: 'geomap-actor-name', text: a.name}), app.actorCounts[k]])]);
      actors.appendChild(app.actorItems[k]);
    });

    // Event types and sub-types, each with a live count.
    var typeRow = el('div', {class: 'geomap-row'}, [
      el('h4', {class: 'geomap-inline', text: 'Event types '}),
      button('all', 'Show events of all types', 'geomap-link', function () { app.setTypes(true); }),
      button('none', 'Show events of no type', 'geomap-link', function () { app.setTypes(false); })
    ]);
    typeRow.children[1].setAttribute('data-types', 'all');
    typeRow.children[2].setAttribute('data-types', 'none');
    var list = el('ul', {class: 'geomap-types'});
    this.typeCounts = [];
    this.subCounts = [];
    d.types.forEach(function (t, ti) {
      var box = el('input', {type: 'checkbox', 'data-type': t.name});
      app.typeBoxes[ti] = box;
      L.DomEvent.on(box, 'change', function () {
        m.typeOfSub.forEach(function (tt, s) { if (tt === ti) { m.subOn[s] = box.checked ? 1 : 0; } });
        app.changed('push');
      });
      var subs = el('ul', {class: 'geomap-subtypes'});
      d.subs.forEach(function (s, si) {
        if (s.type !== ti) { return; }
        var sbox = el('input', {type: 'checkbox', 'data-type': t.name, 'data-sub': s.name});
        app.subBoxes[si] = sbox;
        app.subCounts[si] = el('span', {class: 'geomap-count'});
        L.DomEvent.on(sbox, 'change', function () { m.subOn[si] = sbox.checked ? 1 : 0; app.changed('push'); });
        subs.appendChild(el('li', {}, [el('label', {}, [sbox, ' ', s.name || '(no sub-type)', ' ', app.subCounts[si]])]));
      });
      app.typeCounts[ti] = el('span', {class: 'geomap-count'});
      list.appendChild(el('li', {}, [
        el('label', {}, [box, ' ', symbolIcon(t.shape, '#bbbbbb', 5), ' ', t.name, ' ', app.typeCounts[ti]]),
        subs
      ]));
    });
    var body = [
      el('div', {class: 'geomap-filter-section'}, [actorRow, modes, actors]),
      el('div', {class: 'geomap-filter-section'}, [typeRow, list])
    ];
    return panelControl({key: 'filters', name: 'Filters', cls: 'geomap-filters', position: 'topright', body: body,
      summary: ['Filters']});
  };

  // Every badge shows the events the other filters leave; boxes show the state.
  GeomapApp.prototype.syncBoxes = function () {
    var m = this.model, app = this;
    function badge(node, count, total) {
      node.textContent = '(' + formatNumber(count) + ')';
      node.title = formatNumber(count) + ' with the other filters, ' + formatNumber(total) + ' in all';
    }
    m.data.actors.forEach(function (a, k) {
      var count = m.actorCount[k];
      badge(app.actorCounts[k], count, m.mode === 'doer' ? a.count : a.either);
      app.actorBoxes[k].checked = !!m.actorOn[k];
      L.DomUtil[count ? 'removeClass' : 'addClass'](app.actorItems[k], 'geomap-zero');
    });
    this.subBoxes.forEach(function (box, s) {
      box.checked = !!m.subOn[s];
      badge(app.subCounts[s], m.subCount[s], m.data.subs[s].count);
    });
    this.typeBoxes.forEach(function (box, t) {
      var subs = m.typeOfSub.map(function (tt, s) { return tt === t ? m.subOn[s] : -1; })
        .filter(function (v) { return v !== -1; });
      var on = subs.filter(Boolean).length;
      box.checked = on === subs.length;
      box.indeterminate = on > 0 && on < subs.length;
      badge(app.typeCounts[t], m.typeCount(m.subCount, t), m.data.types[t].count);
    });
    if (this.modeBoxes[m.mode]) { this.modeBoxes[m.mode].checked = true; }
  };

  // ------------------------------------------------------------------ the app

  var instances = 0;

  function GeomapApp(map, data) {
    this.map = map;
    this.model = new Model(data);
    this.uid = instances++;
    this.typeBoxes = [];
    this.subBoxes = [];
    this.modeBoxes = {};
    this.listeners = [];
    this.textListeners = [];
    this.notices = [];
  }

  // Parts added by the other files call this to hear of every filter change.
  GeomapApp.prototype.onChange = function (listener) { this.listeners.push(listener); };

  // The texts (notes, places, ids, the mentions' offsets) are opened just
  // after the first markers are drawn (see mount); until then model.text()
  // gives ''. `listener` runs once they are open (at once if they are).
  GeomapApp.prototype.onTexts = function (listener) {
    if (this.model.textsOpen) { listener(this); } else { this.textListeners.push(listener); }
  };

  GeomapApp.prototype.textsOpened = function () {
    var app = this, listeners = this.textListeners;
    this.model.textsOpen = true;
    this.textListeners = [];
    listeners.forEach(function (listener) { listener(app); });
  };

  GeomapApp.prototype.start = function () {
    var app = this, map = this.map, model = this.model, d = model.data;
    var g = window.geomap;
    this.startBasemaps();
    this.bar = el('div', {class: 'geomap-bar'});
    this.status = el('div', {class: 'geomap-status', id: 'geomap-status', role: 'status', 'aria-live': 'polite'});
    this.bar.appendChild(this.status);
    var container = map.getContainer();
    container.parentNode.insertBefore(this.bar, container.nextSibling);

    var link = g.state.read(this, location.hash);
    model.setState(link.state);
    this.notices = link.notices;

    if (d.title) {
      this.title = titleControl(d.title).addTo(map);
      var corner = this.title.getContainer().parentNode;
      corner.insertBefore(this.title.getContainer(), corner.firstChild);  // above the zoom buttons
    }
    toolsControl(this).addTo(map);
    messagesControl(this).addTo(map);
    this.filters = this.filterPanel().addTo(map);
    if (g.EventList) { this.list = new g.EventList(this); }
    missingControl(model).addTo(map);
    this.legend = legendControl(this).addTo(map);
    if (g.Timeline) { this.timeline = new g.Timeline(this); }
    this.layout = new g.Layout(this);

    labelZoomClasses(map);
    this.canvas = new EventsCanvas(model, {padding: 0.1});
    this.canvas.on('hit', this.onHit, this);
    this.canvas.on('hover', this.onHover, this);
    map.on('popupclose', function () { app.canvas.focusEvent(null); });
    map.on('popupopen', function () { app.hover.hidden = true; });  // the popup says it all now
    this.hover = el('div', {class: 'geomap-hover', hidden: 'hidden', 'aria-hidden': 'true'});
    container.appendChild(this.hover);
    this.refresh();
    this.layout.update();
    if (link.view) { map.setView(link.view.center, link.view.zoom, {animate: false}); }
    else { this.fitShown(false); }
    map.addLayer(this.canvas);

    this.updateOutside();
    map.on('moveend', function () { app.updateOutside(); app.commit('replace'); });
    map.on('resize', function () { app.updateOutside(); });
    this._lastHash = location.hash;
    function followLocation() {
      if (location.hash !== app._lastHash) { app.applyLocation(); }
    }
    window.addEventListener('popstate', followLocation);
    window.addEventListener('hashchange', followLocation);
    this.commit(link.notices.length ? 'none' : 'replace');
  };

  GeomapApp.prototype.startBasemaps = function () {
    var map = this.map, d = this.model.data, bases = {}, first = null;
    var offline = offlineBasemap(map, d.basemap);
    bases['Offline basemap'] = offline;
    if (d.basemap.first === 'offline') { first = offline; }
    d.basemap.online.forEach(function (t) {
      var layer = L.tileLayer(t.url, {attribution: t.attribution, subdomains: t.subdomains, maxZoom: t.maxZoom});
      bases[escapeHtml(t.name)] = layer;
      if (d.basemap.first === t.key) { first = layer; }
    });
    (first || offline).addTo(map);
    if (d.basemap.online.length) {
      this.layers = L.control.layers(bases, {}, {collapsed: true, position: 'topright'}).addTo(map);
      L.DomUtil.addClass(this.layers.getContainer(), 'geomap-layers');
      this.layers.getContainer().querySelector('.leaflet-control-layers-toggle')
        .setAttribute('aria-label', 'Basemaps');
    }
  };

  // Follow a link or a step back or forward in history: the hash is the whole state.
  GeomapApp.prototype.applyLocation = function () {
    var link = window.geomap.state.read(this, location.hash);
    this._lastHash = location.hash;
    this.model.setState(link.state);
    this.notices = link.notices;
    this.refresh();
    if (link.view) { this.map.setView(link.view.center, link.view.zoom, {animate: false}); }
    else { this.fitShown(false); }
    this._lastHash = location.hash;
  };

  // The bounds of the events shown (those inside `within`, when given): every
  // one of them, however far from the rest.
  GeomapApp.prototype.shownBounds = function (within) {
    var model = this.model, d = model.data, south = 90, north = -90, west = 180, east = -180, found = false;
    for (var i = 0; i < model.n; i++) {
      if (!model.visible[i] || (within && !within.contains([d.lat[i], d.lon[i]]))) { continue; }
      found = true;
      south = Math.min(south, d.lat[i]); north = Math.max(north, d.lat[i]);
      west = Math.min(west, d.lon[i]); east = Math.max(east, d.lon[i]);
    }
    return found ? L.latLngBounds([south, west], [north, east]) : null;
  };

  // The bounds of where most events shown are: when more than half of them lie
  // in the basemap's country, those (a few mentions of Moscow or Geneva would
  // shrink Syria to a dot); else every one. The status line counts the events
  // this leaves out of view, and "zoom to the events shown" fits them all.
  GeomapApp.prototype.homeBounds = function () {
    var model = this.model, d = model.data, inside = 0;
    var country = d.basemap.boundaries.features.filter(function (f) { return f.properties.kind === 'country'; });
    if (!country.length) { return this.shownBounds(); }
    var area = this._countryBounds || (this._countryBounds = L.geoJSON(country[0]).getBounds());
    for (var i = 0; i < model.n; i++) {
      if (model.visible[i] && area.contains([d.lat[i], d.lon[i]])) { inside++; }
    }
    return inside * 2 > model.shown ? this.shownBounds(area) : this.shownBounds();
  };

  // Fit the view, clear of the panels, to where most events shown are (the
  // first view, a link without a view) or to `every` one of them.
  GeomapApp.prototype.fitShown = function (animate, every) {
    var bounds = every ? this.shownBounds() : this.homeBounds();
    if (!bounds) { return; }
    var pad = this.layout.padding();
    this.map.fitBounds(bounds, {paddingTopLeft: pad[0], paddingBottomRight: pad[1], maxZoom: 11, animate: !!animate});
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
    var hit = e.hit, map = this.map, m = this.model;
    if (hit.cluster) {
      var south = 90, north = -90, west = 180, east = -180;
      hit.cluster.members.forEach(function (i) {
        south = Math.min(south, m.data.lat[i]); north = Math.max(north, m.data.lat[i]);
        west = Math.min(west, m.data.lon[i]); east = Math.max(east, m.data.lon[i]);
      });
      // Events on one point cannot be told apart by zooming: page through them instead.
      if (north - south < 1e-4 && east - west < 1e-4) {
        this.openPopup(m.byDate(hit.cluster.members));
        return;
      }
      var target = map.getBoundsZoom([[south, west], [north, east]]);
      var zoom = Math.max(Math.min(target, CLUSTER_UNTIL_ZOOM), map.getZoom() + 1);
      map.setView([(south + north) / 2, (west + east) / 2], zoom);
      return;
    }
    this.openPopup(m.byDate(hit.events));
  };

  // Open the paging popup for `events` at the first one's point, on the page
  // of `focus`; sized to fit, with its marker, in the part of the map the panels leave.
  GeomapApp.prototype.openPopup = function (events, focus) {
    var m = this.model, i = focus === undefined ? events[0] : focus;
    var stack = new StackPopup(m, events, focus);
    this.layout.makeWayForPopup();
    var room = this.layout.popupRoom();
    stack.popup = L.popup({maxWidth: room.width, minWidth: Math.min(200, room.width), maxHeight: room.height,
      autoPanPaddingTopLeft: room.topLeft, autoPanPaddingBottomRight: room.bottomRight, className: 'geomap-popup-wrap'})
      .setLatLng([m.data.lat[i], m.data.lon[i]])
      .setContent(stack.box)
      .openOn(this.map);
    this.stackPopup = stack;
    // Opened in the instant before the texts are: its cards are filled in when they are.
    if (!m.textsOpen) { this.onTexts(function () { stack.render(); }); }
    return stack;
  };

  GeomapApp.prototype.onHover = function (e) {
    var box = this.hover;
    if (!e.hit) { box.hidden = true; return; }
    box.textContent = hoverSummary(this.model, e.hit);
    box.hidden = false;
    var size = this.map.getSize(), x = e.point.x + 14, y = e.point.y + 14;
    box.style.left = Math.min(x, size.x - box.offsetWidth - 4) + 'px';
    box.style.top = Math.min(y, size.y - box.offsetHeight - 4) + 'px';
  };

  // Filters changed: recount, redraw, and remember in the URL (`how`: 'push'
  // makes a history entry Back undoes, 'replace' updates the current one).
  GeomapApp.prototype.changed = function (how) {
    this.refresh();
    this.commit(how || 'push');
  };

  GeomapApp.prototype.refresh = function () {
    var app = this, m = this.model;
    if (m.from !== null && m.to !== null && m.from > m.to) {
      var from = m.from; m.from = m.to; m.to = from;
      this.notices = this.notices.concat(['The start date was after the end date: the two were swapped.']);
    }
    m.applyFilters();
    this.updateStatus();
    this.updateOutside();
    this.syncBoxes();
    this.updateLegend();
    this.showNotice(this.notices);
    if (this.layout) { this.layout.updateCues(); }
    this.listeners.forEach(function (listener) { listener(app); });
    if (this.canvas) { this.canvas.refresh(); }
  };

  GeomapApp.prototype.setState = function (state, how) {
    this.model.setState(state);
    this.changed(how);
  };

  GeomapApp.prototype.updateStatus = function () {
    var m = this.model, s = this.status;
    this.statusText = formatNumber(m.shown) + ' of ' + formatNumber(m.n) + ' events shown · ' +
      formatNumber(m.fatalities) + ' fatalities';
    this.showOutside();
    s.setAttribute('data-shown', m.shown);
    s.setAttribute('data-total', m.n);
    s.setAttribute('data-fatalities', m.fatalities);
    var filtered = m.filtering();
    this.badge.hidden = !filtered;
    this.badgeText.textContent = 'Filtered: ' + formatNumber(m.shown) + ' of ' + formatNumber(m.n) + ' events';
    if (this.filters) {
      L.DomUtil[filtered ? 'addClass' : 'removeClass'](this.filters.getContainer(), 'geomap-filtering');
    }
  };

  // Count the events shown that the reader cannot see: off the map or under a
  // panel (on a move, a resize, a panel opening or a filter change; one pass
  // over the arrays, no DOM per event).
  GeomapApp.prototype.updateOutside = function () {
    var map = this.map, m = this.model;
    if (!map._loaded || !this.layout || this.statusText === undefined) { return; }
    var scale = map.options.crs.scale(map.getZoom()), min = map.getPixelBounds().min, size = map.getSize();
    var rects = this.layout.controlRects(), k = rects.length, outside = 0;
    for (var i = 0; i < m.n; i++) {
      if (!m.visible[i]) { continue; }
      var x = m.wx[i] * scale - min.x, y = m.wy[i] * scale - min.y;
      if (x < 0 || y < 0 || x > size.x || y > size.y) { outside++; continue; }
      for (var j = 0; j < k; j++) {
        var r = rects[j];
        if (x >= r.left && x <= r.right && y >= r.top && y <= r.bottom) { outside++; break; }
      }
    }
    if (outside !== this.outside) { this.outside = outside; this.showOutside(); }
  };

  GeomapApp.prototype.showOutside = function () {
    var s = this.status, outside = this.outside || 0;
    var text = this.statusText + (outside ? ' · ' + formatNumber(outside) + ' out of view' : '');
    if (s.textContent !== text) {
      s.textContent = text;  // (read out by screen readers: only when it changes)
      // A longer line may wrap the bar (a small frame gives the status a row of its own, see geomap.css).
      if (this.layout && !this._fittingBar) {
        this._fittingBar = true;
        try { this.layout.fitBar(); } finally { this._fittingBar = false; }
      }
    }
    s.setAttribute('data-outside', outside);
    s.title = outside ? 'Events shown that lie outside the map or under a panel: "Zoom to the events shown" ' +
      'brings them into view' : '';
  };

  GeomapApp.prototype.showNotice = function (messages) {
    this.notices = messages;
    this.noticeText.textContent = '';
    var box = this.noticeText;
    messages.forEach(function (text) { box.appendChild(el('div', {text: text})); });
    var was = this.notice.hidden;
    this.notice.hidden = !messages.length;
    if (this.layout && was !== this.notice.hidden) { this.layout.update(); }
  };

  GeomapApp.prototype.setActors = function (on) {
    this.model.actorOn.fill(on ? 1 : 0);
    this.changed('push');
  };

  GeomapApp.prototype.setTypes = function (on) {
    this.model.subOn.fill(on ? 1 : 0);
    this.changed('push');
  };

  // Write the state to the URL hash.
  GeomapApp.prototype.commit = function (how) {
    if (this.printing) { return; }  // the printed view is the page's, not the reader's
    var hash = window.geomap.state.write(this);
    if (this.newTab) { this.newTab.href = location.href.split('#')[0] + hash; }
    if (how === 'none' || location.hash === hash) { return; }
    this._lastHash = hash;
    try { history[how === 'push' ? 'pushState' : 'replaceState']({geomap: true}, '', hash); }
    catch (err) { /* e.g. a sandboxed srcdoc iframe */ }
  };

  // ------------------------------------------------------------------ printing

  // Printing (or "Save as PDF"): the stylesheet hides the controls, the
  // timeline and the list, and keeps the title, legend, scale and "filtered"
  // badge; here the map is laid out at the size of the printed page (A4
  // landscape, see geomap.css) as in a large frame, its legend open, and
  // refitted to the events shown clear of what is printed over it, so that
  // none falls off the page or under the legend; the screen view (and the
  // link in the address bar) comes back after.
  function printSupport(app) {
    var map = app.map, root = document.documentElement, saved = null;
    function before() {
      if (saved) { return; }
      var legend = map.getContainer().querySelector('.geomap-legend');
      saved = {center: map.getCenter(), zoom: map.getZoom(),
        open: app.layout.panels.map(function (p) { return p.open; })};
      app.printing = true;  // no history entries for the printed view
      // A zoom animation still running would carry the view back when it ends: finish it first.
      if (map._animatingZoom && map._onZoomTransitionEnd) { map._onZoomTransitionEnd(); }
      L.DomUtil.addClass(root, 'geomap-printing');
      app.layout.printing = true;
      app.layout.update();  // the page is a large frame: panels beside the map, no sheets
      if (legend) { legend.open = true; }
      app.layout.update();
      map.invalidateSize({animate: false, pan: false});
      app.fitShown(false, true);  // every event: nothing may fall off the page
      app.canvas.refresh();  // drawn now: the page is printed before the next animation frame
      saved.snapshot = canvasSnapshot(app.canvas._container);
    }
    function after() {
      if (!saved) { return; }
      saved.snapshot();
      L.DomUtil.removeClass(root, 'geomap-printing');
      app.layout.printing = false;
      app.layout.update();
      app.layout.panels.forEach(function (p, k) { p.open = saved.open[k]; });
      app.layout.update();
      map.invalidateSize({animate: false, pan: false});
      map.setView(saved.center, saved.zoom, {animate: false});
      app.printing = false;
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
    util: {
      el: el, button: button, formatNumber: formatNumber, dayToIso: dayToIso, isoToDay: isoToDay,
      weekOf: weekOf, monthOf: monthOf, actorSwatch: actorSwatch, symbolIcon: symbolIcon, panelControl: panelControl,
      DAY_MS: DAY_MS, NO_DAY: NO_DAY
    },
    Model: Model,
    // Opens the packed columns and draws the markers, then opens the texts of
    // the popups and the list (most of the bytes) while the map is already on
    // screen. Resolves to the app once everything is loaded (window.__geomapReady,
    // the event 'geomap:loaded'); rejects, with a message on the map, if the
    // data cannot be opened.
    mount: function (map, dataId) {
      var data = JSON.parse(document.getElementById(dataId).textContent), app;
      return unpackPart(data, 'core').then(function () {
        if (!data.text) { data.text = {}; }
        app = new GeomapApp(map, data);
        var drawn = new Promise(function (resolve) { map.once('geomap:ready', resolve); });
        app.textLoaded = drawn.then(function () { return unpackPart(data, 'text'); })
          .then(function () { app.textsOpened(); });
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
