/*
 * geomap timeline: under the map, a histogram of events per day (per week
 * or month over long spans) for the current actor and type filters, with a
 * brush to set the date range, ISO date fields and a play button.
 *
 * An event known only to the week or the month (time_precision 2 or 3) is
 * spread over that week or month (drawn lighter), never piled on one day,
 * and the date filter keeps it when its week or month meets the range.
 */
(function () {
  'use strict';

  var g = window.geomap, u = g.util, el = u.el;
  var HEIGHT = 34;            // px of the histogram
  var PLAY_STEP_MS = 700;
  var COLOURS = {all: '#e3e0d8', shown: '#2b6a99', spread: '#8fb6d3', outside: '#b9c9d6', outsideSpread: '#dbe5ec'};

  function Timeline(app) {
    var m = app.model;
    this.app = app;
    this.model = m;
    if (m.minDay === null || m.maxDay <= m.minDay) { return; }  // one day or none: nothing to brush
    this.setBins();
    this.build();
    this.countAll();
    var self = this;
    app.onChange(function () { self.update(); });
  }

  // Days, weeks (from Monday) or months, so that a bar stays a few pixels wide.
  Timeline.prototype.setBins = function () {
    var m = this.model, span = m.maxDay - m.minDay + 1;
    this.unit = span <= 200 ? 'day' : span <= 3 * 366 ? 'week' : 'month';
    var starts = [], day = m.minDay;
    if (this.unit === 'week') { day = u.weekOf(day)[0]; }
    if (this.unit === 'month') { day = u.monthOf(day)[0]; }
    while (day <= m.maxDay) {
      starts.push(day);
      day = this.unit === 'day' ? day + 1 : this.unit === 'week' ? day + 7 : u.monthOf(day)[1] + 1;
    }
    this.starts = starts;
    this.first = starts[0];
    this.last = this.binEnd(starts.length - 1);
    // Bin of every day of the span, for counting.
    this.binOfDay = new Int32Array(this.last - this.first + 1);
    for (var b = 0; b < starts.length; b++) {
      for (var dd = starts[b]; dd <= this.binEnd(b); dd++) { this.binOfDay[dd - this.first] = b; }
    }
  };

  Timeline.prototype.binEnd = function (b) {
    return b + 1 < this.starts.length ? this.starts[b + 1] - 1 :
      this.unit === 'day' ? this.starts[b] : this.unit === 'week' ? this.starts[b] + 6 : u.monthOf(this.starts[b])[1];
  };

  Timeline.prototype.build = function () {
    var self = this, app = this.app, m = this.model;
    var min = u.dayToIso(m.minDay), max = u.dayToIso(m.maxDay);
    function dateBox(id, label) {
      var box = el('input', {type: 'text', id: id, class: 'geomap-date', inputmode: 'numeric', autocomplete: 'off',
        placeholder: id === 'geomap-from' ? min : max, size: '10', maxlength: '10',
        'aria-label': label + ' (YYYY-MM-DD, from ' + min + ' to ' + max + ')', title: label + ' (YYYY-MM-DD)'});
      L.DomEvent.on(box, 'change', function () { self.typed(box); });
      return box;
    }
    this.fromBox = dateBox('geomap-from', 'First day shown');
    this.toBox = dateBox('geomap-to', 'Last day shown');
    this.play = u.button('▶', 'Play: step through the dates', 'geomap-play', function () { self.toggle(); });
    this.clear = u.button('×', 'Show every date', 'geomap-clear-dates', function () { self.setRange(null, null, 'push'); });
    this.canvas = el('canvas', {class: 'geomap-histogram', height: String(HEIGHT), tabindex: '0', role: 'img'});
    this.tip = el('div', {class: 'geomap-range', 'aria-hidden': 'true'});
    this.row = el('div', {class: 'geomap-timeline', role: 'group', 'aria-label': 'Timeline'}, [
      this.play,
      el('label', {class: 'geomap-date-label'}, [el('span', {class: 'geomap-date-word', text: 'From '}), this.fromBox]),
      el('div', {class: 'geomap-histogram-box'}, [this.canvas, this.tip]),
      el('label', {class: 'geomap-date-label'}, [el('span', {class: 'geomap-date-word', text: 'to '}), this.toBox]),
      this.clear
    ]);
    app.bar.appendChild(this.row);
    this.canvas.setAttribute('aria-label', 'Events per ' + this.unit + ' from ' + min + ' to ' + max +
      '; drag to choose dates; arrow keys move the range, with Shift they widen it, Escape shows every date');
    this.pointer();
    L.DomEvent.on(this.canvas, 'keydown', this.key, this);
  };

  // Every event's weight per bin: 1 on its day, or spread over its week or month.
  Timeline.prototype.countInto = function (precise, spread, include) {
    var m = this.model, lo = m.dayLo, hi = m.dayHi, first = this.first, bins = this.binOfDay;
    precise.fill(0); spread.fill(0);
    for (var i = 0; i < m.n; i++) {
      if ((include && !include[i]) || lo[i] === u.NO_DAY) { continue; }
      if (lo[i] === hi[i]) { precise[bins[lo[i] - first]]++; continue; }
      var w = 1 / (hi[i] - lo[i] + 1);
      for (var dd = lo[i]; dd <= hi[i]; dd++) { spread[bins[dd - first]] += w; }
    }
  };

  Timeline.prototype.countAll = function () {
    var n = this.starts.length;
    this.all = new Float64Array(n);
    var spread = new Float64Array(n);
    this.countInto(this.all, spread, null);
    for (var b = 0; b < n; b++) { this.all[b] += spread[b]; }
    this.precise = new Float64Array(n);
    this.spread = new Float64Array(n);
  };

  Timeline.prototype.update = function () {
    if (!this.row) { return; }
    this.countInto(this.precise, this.spread, this.model.passNoDate);
    var m = this.model;
    if (document.activeElement !== this.fromBox) { this.fromBox.value = m.from === null ? '' : u.dayToIso(m.from); }
    if (document.activeElement !== this.toBox) { this.toBox.value = m.to === null ? '' : u.dayToIso(m.to); }
    this.fromBox.removeAttribute('aria-invalid');
    this.toBox.removeAttribute('aria-invalid');
    this.clear.disabled = m.from === null && m.to === null;
    this.draw();
  };

  Timeline.prototype.resize = function () { if (this.row) { this.draw(); } };

  Timeline.prototype.xOf = function (day, width) {
    return (day - this.first) / (this.last - this.first + 1) * width;
  };

  Timeline.prototype.dayAt = function (x, width) {
    var day = this.first + Math.floor(x / width * (this.last - this.first + 1));
    return Math.max(this.first, Math.min(this.last, day));
  };

  Timeline.prototype.draw = function () {
    var canvas = this.canvas, ratio = window.devicePixelRatio || 1;
    var width = Math.max(40, canvas.clientWidth);
    if (canvas.width !== Math.round(width * ratio)) { canvas.width = Math.round(width * ratio); }
    canvas.height = Math.round(HEIGHT * ratio);
    var ctx = canvas.getContext('2d'), m = this.model, n = this.starts.length;
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, width, HEIGHT);
    var top = 0;
    for (var b = 0; b < n; b++) { top = Math.max(top, this.all[b]); }
    var scale = top ? (HEIGHT - 2) / top : 0;
    var from = m.from === null ? -Infinity : m.from, to = m.to === null ? Infinity : m.to;
    for (b = 0; b < n; b++) {
      var x0 = this.xOf(this.starts[b], width), x1 = this.xOf(this.binEnd(b) + 1, width);
      var w = Math.max(1, x1 - x0 - (x1 - x0 > 3 ? 1 : 0));
      var inside = this.starts[b] <= to && this.binEnd(b) >= from;
      var hAll = this.all[b] * scale, hPrecise = this.precise[b] * scale, hSpread = this.spread[b] * scale;
      ctx.fillStyle = COLOURS.all;
      ctx.fillRect(x0, HEIGHT - hAll, w, hAll);
      ctx.fillStyle = inside ? COLOURS.shown : COLOURS.outside;
      ctx.fillRect(x0, HEIGHT - hPrecise, w, hPrecise);
      ctx.fillStyle = inside ? COLOURS.spread : COLOURS.outsideSpread;
      ctx.fillRect(x0, HEIGHT - hPrecise - hSpread, w, hSpread);
    }
    if (m.from !== null || m.to !== null) {
      var a = this.xOf(Math.max(this.first, m.from === null ? this.first : m.from), width);
      var z = this.xOf(Math.min(this.last, m.to === null ? this.last : m.to) + 1, width);
      ctx.fillStyle = 'rgba(43,106,153,0.12)';
      ctx.fillRect(a, 0, z - a, HEIGHT);
      ctx.fillStyle = '#1d4d70';
      ctx.fillRect(a - 1, 0, 2, HEIGHT);
      ctx.fillRect(z - 1, 0, 2, HEIGHT);
      ctx.fillRect(a - 3, HEIGHT / 2 - 6, 6, 12);
      ctx.fillRect(z - 3, HEIGHT / 2 - 6, 6, 12);
    }
    this.tip.textContent = (m.from === null && m.to === null) ? 'all dates · drag to choose' :
      (m.from === null ? '…' : u.dayToIso(m.from)) + ' – ' + (m.to === null ? '…' : u.dayToIso(m.to));
  };

  // Drag on the histogram to choose a range, drag it to move it, drag an edge
  // to widen it; a click chooses one bar (again: every date).
  Timeline.prototype.pointer = function () {
    var self = this, canvas = this.canvas, drag = null;
    function local(e) {
      var r = canvas.getBoundingClientRect();
      return {x: e.clientX - r.left, width: r.width};
    }
    L.DomEvent.on(canvas, 'pointerdown', function (e) {
      var p = local(e), m = self.model, day = self.dayAt(p.x, p.width);
      var from = m.from === null ? self.first : m.from, to = m.to === null ? self.last : m.to;
      var ranged = m.from !== null || m.to !== null;
      var a = self.xOf(from, p.width), z = self.xOf(to + 1, p.width);
      if (ranged && Math.abs(p.x - a) <= 6) { drag = {kind: 'from'}; }
      else if (ranged && Math.abs(p.x - z) <= 6) { drag = {kind: 'to'}; }
      else if (ranged && p.x > a && p.x < z) { drag = {kind: 'move', grab: day, from: from, to: to}; }
      else { drag = {kind: 'new', anchor: day}; }
      drag.x = p.x; drag.moved = false; drag.day = day;
      canvas.setPointerCapture(e.pointerId);
      self.stop();
      L.DomEvent.preventDefault(e);
    });
    L.DomEvent.on(canvas, 'pointermove', function (e) {
      var p = local(e), day = self.dayAt(p.x, p.width);
      self.hoverTip(day);
      if (!drag) { return; }
      if (Math.abs(p.x - drag.x) > 3) { drag.moved = true; }
      if (!drag.moved) { return; }
      var m = self.model, from = m.from === null ? self.first : m.from, to = m.to === null ? self.last : m.to;
      if (drag.kind === 'new') { from = Math.min(drag.anchor, day); to = Math.max(drag.anchor, day); }
      else if (drag.kind === 'from') { from = Math.min(day, to); }
      else if (drag.kind === 'to') { to = Math.max(day, from); }
      else {
        var shift = Math.max(self.first - drag.from, Math.min(self.last - drag.to, day - drag.grab));
        from = drag.from + shift; to = drag.to + shift;
      }
      self.preview(from, to);
    });
    L.DomEvent.on(canvas, 'pointerup pointercancel', function (e) {
      if (!drag) { return; }
      var m = self.model;
      if (!drag.moved && e.type === 'pointerup') {
        var b = self.binOfDay[drag.day - self.first], start = self.starts[b], end = self.binEnd(b);
        if (m.from === start && m.to === end) { self.setRange(null, null, 'push'); }
        else { self.setRange(start, end, 'push'); }
      } else {
        self.setRange(m.from, m.to, 'push');
      }
      drag = null;
    });
  };

  // While dragging: filter at most once a frame, and leave history alone.
  Timeline.prototype.preview = function (from, to) {
    var self = this;
    this.pending = [from, to];
    if (this.frame) { return; }
    this.frame = requestAnimationFrame(function () {
      self.frame = null;
      self.model.from = self.pending[0]; self.model.to = self.pending[1];
      self.app.changed('none');
    });
  };

  Timeline.prototype.setRange = function (from, to, how) {
    if (this.frame) { cancelAnimationFrame(this.frame); this.frame = null; }
    if (from !== null && from <= this.first && to !== null && to >= this.last) { from = to = null; }
    this.model.from = from;
    this.model.to = to;
    this.app.changed(how);
  };

  Timeline.prototype.hoverTip = function (day) {
    var b = this.binOfDay[day - this.first], label = u.dayToIso(this.starts[b]);
    if (this.unit === 'week') { label = 'week of ' + label; }
    if (this.unit === 'month') { label = label.slice(0, 7); }
    var shown = Math.round(this.precise[b] + this.spread[b]), all = Math.round(this.all[b]);
    this.canvas.title = label + ': ' + shown + ' of ' + all + ' events with the actor and type filters' +
      (this.spread[b] ? ' (some dated only to the week or month, spread over it)' : '');
  };

  Timeline.prototype.key = function (e) {
    var m = this.model, step = this.unit === 'day' ? 1 : this.unit === 'week' ? 7 : 30;
    var from = m.from === null ? this.first : m.from, to = m.to === null ? this.last : m.to;
    if (e.key === 'Escape') { this.setRange(null, null, 'push'); }
    else if (e.key === 'ArrowLeft' || e.key === 'ArrowRight') {
      var dir = e.key === 'ArrowLeft' ? -1 : 1;
      if (m.from === null && m.to === null) { from = to = dir < 0 ? this.last : this.first; }
      else if (e.shiftKey) { to = Math.max(from, Math.min(this.last, to + dir * step)); }
      else {
        var shift = Math.max(this.first - from, Math.min(this.last - to, dir * step));
        from += shift; to += shift;
      }
      this.setRange(from, to, 'push');
    } else { return; }
    L.DomEvent.preventDefault(e);
  };

  // A date typed in a field; the other end follows when the range would turn inside out.
  Timeline.prototype.typed = function (changed) {
    var parse = g.state.parseDate, from = this.fromBox.value.trim(), to = this.toBox.value.trim();
    var a = from === '' ? null : parse(from, false), z = to === '' ? null : parse(to, true);
    if ((from !== '' && a === null) || (to !== '' && z === null)) {
      if (from !== '' && a === null) { this.fromBox.setAttribute('aria-invalid', 'true'); }
      if (to !== '' && z === null) { this.toBox.setAttribute('aria-invalid', 'true'); }
      this.app.showNotice(['A date is written YYYY-MM-DD (for example ' + u.dayToIso(this.model.minDay) + ').']);
      return;
    }
    if (a !== null && z !== null && a > z) {
      if (changed === this.fromBox) { z = a; } else { a = z; }
    }
    this.model.from = a;
    this.model.to = z;
    this.app.changed('push');
  };

  // Play: a window as wide as the range (or an eighth of the span) steps
  // through the dates one bar at a time.
  Timeline.prototype.toggle = function () {
    if (this.timer) { this.stop(); return; }
    var self = this, m = this.model, n = this.starts.length;
    var width = (m.from !== null && m.to !== null) ? Math.max(1, this.binOfDay[m.to - this.first] -
      this.binOfDay[m.from - this.first] + 1) : Math.max(1, Math.round(n / 8));
    var start = (m.from !== null && m.to !== null && m.to < this.last) ? this.binOfDay[m.from - this.first] : 0;
    this.play.textContent = '❚❚';
    this.play.setAttribute('aria-label', 'Pause');
    this.play.title = 'Pause';
    function show(b, how) {
      var last = Math.min(n - 1, b + width - 1);
      self.setRange(self.starts[b], self.binEnd(last), how);
      return last >= n - 1;
    }
    var b = start;
    show(b, 'push');  // one history step for the whole play: Back returns to the range before it
    this.timer = setInterval(function () {
      b += 1;
      if (show(b, 'replace')) { self.stop(); }
    }, PLAY_STEP_MS);
  };

  Timeline.prototype.stop = function () {
    if (!this.timer) { return; }
    clearInterval(this.timer);
    this.timer = null;
    this.play.textContent = '▶';
    this.play.setAttribute('aria-label', 'Play: step through the dates');
    this.play.title = 'Play: step through the dates';
  };

  g.Timeline = Timeline;
})();
