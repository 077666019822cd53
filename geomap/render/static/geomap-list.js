/*
 * geomap list view: the events shown, as a table (date, actors, type,
 * place, fatalities), sortable by any column and usable from the keyboard:
 * arrow keys move between rows, Enter (or a click) shows the row's event on
 * the map, Page Up/Down turn the pages. It is the way to every event that
 * the canvas markers (which take no keyboard focus) cannot give.
 */
(function () {
  'use strict';

  var g = window.geomap, u = g.util, el = u.el;
  var PAGE = 100;
  var COLUMNS = [
    {key: 'date', label: 'Date'}, {key: 'actors', label: 'Actors'}, {key: 'type', label: 'Type'},
    {key: 'place', label: 'Place'}, {key: 'fat', label: 'Fatalities', short: 'Fat.', numeric: true}
  ];

  // Text that may break after each slash ("Explosions/Remote violence / Shelling/artillery").
  function breakable(text) {
    var span = el('span');
    text.split('/').forEach(function (part, k) {
      if (k) { span.appendChild(document.createTextNode('/')); span.appendChild(el('wbr')); }
      span.appendChild(document.createTextNode(part));
    });
    return span;
  }

  function EventList(app) {
    var self = this;
    this.app = app;
    this.model = app.model;
    this.sortKey = 'date';
    this.ascending = true;
    this.page = 0;
    this.active = 0;
    this.caption = el('div', {class: 'geomap-list-caption', 'aria-live': 'polite'});
    this.head = el('tr');
    COLUMNS.forEach(function (c) {
      var b = u.button('', 'Sort the list by ' + c.label.toLowerCase(), 'geomap-sort', function () { self.sortBy(c.key); });
      b.setAttribute('data-sort', c.key);
      // (a narrow sheet shows the short name)
      b.appendChild(el('span', {class: c.short ? 'geomap-long' : '', text: c.label}));
      if (c.short) { b.appendChild(el('span', {class: 'geomap-short', text: c.short})); }
      c.arrow = el('span', {class: 'geomap-sort-arrow', 'aria-hidden': 'true'});
      b.appendChild(c.arrow);
      c.th = el('th', {scope: 'col', class: c.numeric ? 'geomap-num' : ''}, [b]);
      self.head.appendChild(c.th);
    });
    this.body = el('tbody');
    this.table = el('table', {class: 'geomap-list', 'aria-label': 'Events shown'}, [el('thead', {}, [this.head]), this.body]);
    this.prev = u.button('‹ Previous', 'Previous ' + PAGE + ' events of the list', 'geomap-page-button',
      function () { self.turn(-1); });
    this.next = u.button('Next ›', 'Next ' + PAGE + ' events of the list', 'geomap-page-button',
      function () { self.turn(1); });
    this.pager = el('div', {class: 'geomap-pager'}, [this.prev, this.next]);
    L.DomEvent.on(this.body, 'keydown', this.key, this);
    L.DomEvent.on(this.body, 'click', function (e) {
      var row = e.target.closest ? e.target.closest('tr[data-event]') : null;
      if (row) { self.activate(row); }
    });
    this.control = u.panelControl({key: 'list', name: 'List of the events shown', cls: 'geomap-list-panel',
      position: 'bottomright', summary: ['List'], body: [this.caption, this.table, this.pager]}).addTo(app.map);
    this.panel = this.control.getContainer();
    this.panel.addEventListener('toggle', function () { if (self.panel.open) { self.render(true); } });
    // After a filter change the map is redrawn first; the list follows a frame later.
    app.onChange(function () {
      if (!self.panel.open || self.pending) { return; }
      self.pending = requestAnimationFrame(function () { self.pending = null; self.render(true); });
    });
    // The places come with the texts, a moment after the markers: sort and show them then.
    app.onTexts(function () {
      if (self.sortKey === 'place') { self.sorted = null; }
      if (self.panel.open) { self.render(false); }
    });
  }

  // Rank of each string in name order (for sorting by numbers only).
  function ranks(strings) {
    var order = strings.map(function (v, k) { return k; });
    order.sort(function (a, b) { return strings[a] < strings[b] ? -1 : strings[a] > strings[b] ? 1 : 0; });
    var rank = new Int32Array(strings.length);
    order.forEach(function (k, r) { rank[k] = r; });
    return rank;
  }

  // A number per event that sorts as the column does.
  EventList.prototype.keys = function (key) {
    var m = this.model, d = m.data, n = m.n, out = new Float64Array(n), i;
    if (key === 'date') { for (i = 0; i < n; i++) { out[i] = m.dayLo[i]; } }
    else if (key === 'fat') { for (i = 0; i < n; i++) { out[i] = d.fat[i] === null ? -1 : d.fat[i]; } }
    else if (key === 'actors') {
      var actor = ranks(d.actors.map(function (a) { return a.name; })), size = d.actors.length + 1;
      for (i = 0; i < n; i++) { out[i] = actor[d.actor[i]] * size + (d.actor2[i] < 0 ? 0 : actor[d.actor2[i]] + 1); }
    } else if (key === 'type') {
      var sub = ranks(d.subs.map(function (s) { return d.types[s.type].name + '\u0000' + s.name; }));
      for (i = 0; i < n; i++) { out[i] = sub[d.sub[i]]; }
    } else {
      // A text column: {codes} into the shared strings, {values, codes} of its own, or {values}
      // (see Model.text); empty until the texts are open (the list is sorted again then).
      var col = d.text.location;
      if (col && col.codes) {
        var code = ranks(col.values || d.strings);
        for (i = 0; i < n; i++) { out[i] = code[col.codes[i]]; }
      } else if (col) {
        out.set(ranks(col.values));
      }
    }
    return out;
  };

  // Every event in the chosen order (ties in date order, then table order),
  // computed once per column and direction; the shown ones are read off it.
  EventList.prototype.order = function () {
    var m = this.model, id = this.sortKey + (this.ascending ? '+' : '-');
    if (!this.sorted || this.sorted.id !== id) {
      var keys = this.keys(this.sortKey), dir = this.ascending ? 1 : -1, lo = m.dayLo;
      var all = new Int32Array(m.n);
      for (var i = 0; i < m.n; i++) { all[i] = i; }
      all.sort(function (a, b) { return (keys[a] - keys[b]) * dir || (lo[a] - lo[b]) || (a - b); });
      this.sorted = {id: id, order: all};
    }
    var shown = [], order = this.sorted.order, visible = m.visible;
    for (var k = 0; k < order.length; k++) { if (visible[order[k]]) { shown.push(order[k]); } }
    return shown;
  };

  EventList.prototype.render = function (resetPage) {
    var self = this, m = this.model, d = m.data;
    this.rows = this.order();
    if (resetPage) { this.page = Math.min(this.page, Math.max(0, Math.ceil(this.rows.length / PAGE) - 1)); }
    var first = this.page * PAGE, last = Math.min(first + PAGE, this.rows.length);
    this.body.textContent = '';
    this.rows.slice(first, last).forEach(function (i, k) {
      var sub = d.subs[d.sub[i]], other = m.actor2Name(i);
      var actors = el('td', {}, [u.actorSwatch(d.actors[d.actor[i]]), d.actors[d.actor[i]].name]);
      if (other) { actors.appendChild(el('span', {class: 'geomap-other', text: ' → ' + other})); }
      self.body.appendChild(el('tr', {'data-event': String(i), tabindex: k === self.active ? '0' : '-1'}, [
        el('td', {class: 'geomap-nowrap', text: m.dateText(i, true)}),
        actors,
        el('td', {}, [breakable(d.types[sub.type].name + (sub.name ? ' / ' + sub.name : ''))]),
        el('td', {text: m.text('location', i)}),
        el('td', {class: 'geomap-num', text: d.fat[i] === null ? '?' : String(d.fat[i])})
      ]));
    });
    COLUMNS.forEach(function (c) {
      c.th.setAttribute('aria-sort', c.key === self.sortKey ? (self.ascending ? 'ascending' : 'descending') : 'none');
      c.arrow.textContent = c.key === self.sortKey ? (self.ascending ? ' ▲' : ' ▼') : '';
    });
    this.caption.textContent = this.rows.length ? u.formatNumber(this.rows.length) + ' events shown' +
      (this.rows.length > PAGE ? ' · rows ' + u.formatNumber(first + 1) + '–' + u.formatNumber(last) : '') +
      ' · Enter or a click shows an event on the map' : 'No event is shown: change the filters.';
    this.prev.disabled = this.page === 0;
    this.next.disabled = last >= this.rows.length;
    this.pager.hidden = this.rows.length <= PAGE;
    if (this.app.layout) { this.app.layout.update(); }
  };

  EventList.prototype.sortBy = function (key) {
    if (this.sortKey === key) { this.ascending = !this.ascending; } else { this.sortKey = key; this.ascending = true; }
    this.page = 0;
    this.active = 0;
    this.render(false);
  };

  EventList.prototype.turn = function (step) {
    var pages = Math.max(1, Math.ceil(this.rows.length / PAGE));
    this.page = Math.max(0, Math.min(pages - 1, this.page + step));
    this.active = 0;
    this.render(false);
  };

  EventList.prototype.focusRow = function (k) {
    var rows = this.body.children;
    if (!rows.length) { return; }
    k = Math.max(0, Math.min(rows.length - 1, k));
    if (rows[this.active]) { rows[this.active].setAttribute('tabindex', '-1'); }
    this.active = k;
    rows[k].setAttribute('tabindex', '0');
    rows[k].focus();
  };

  EventList.prototype.key = function (e) {
    var row = e.target.closest ? e.target.closest('tr[data-event]') : null;
    if (!row) { return; }
    var k = Array.prototype.indexOf.call(this.body.children, row);
    switch (e.key) {
      case 'ArrowDown': this.focusRow(k + 1); break;
      case 'ArrowUp': this.focusRow(k - 1); break;
      case 'Home': this.focusRow(0); break;
      case 'End': this.focusRow(this.body.children.length - 1); break;
      case 'PageDown': this.turn(1); this.focusRow(0); break;
      case 'PageUp': this.turn(-1); this.focusRow(0); break;
      case 'Enter': case ' ': this.activate(row); break;
      default: return;
    }
    L.DomEvent.preventDefault(e);
  };

  // Show a row's event: ring its marker and open its popup on its page, both
  // in the part of the map the panels leave. In a small frame the list's
  // sheet makes way first, and the popup takes the focus.
  EventList.prototype.activate = function (row) {
    var i = +row.getAttribute('data-event'), app = this.app, m = this.model, map = app.map;
    var k = Array.prototype.indexOf.call(this.body.children, row);
    if (k >= 0 && k !== this.active) { this.focusRow(k); }
    var sheet = app.layout.compact && this.panel.open;
    app.layout.makeWayForPopup();  // before the view is set: the sheet leaves the map free
    var zoom = Math.max(map.getZoom(), m.data.cluster ? 13 : 8);
    var pad = app.layout.padding(), point = L.latLng(m.data.lat[i], m.data.lon[i]);
    map.fitBounds(L.latLngBounds(point, point), {paddingTopLeft: pad[0], paddingBottomRight: pad[1], maxZoom: zoom,
      animate: false});
    var stack = app.openPopup(m.stackAt(i, map.options.crs.scale(map.getZoom())), i);
    app.canvas.focusEvent(i);  // (after the popup: closing the last popup clears the last ring)
    if (sheet) {
      stack.box.setAttribute('tabindex', '-1');
      stack.box.focus({preventScroll: true});
    } else {
      row.focus({preventScroll: true});
    }
  };

  g.EventList = EventList;
})();
