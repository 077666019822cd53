/*
 * geomap layout: the panels fit the frame they are shown in.
 *
 * In a large frame the panels open beside the map, each column (left:
 * title, tools, legend, "not on the map"; right: filters, list) sized so
 * that nothing overlaps. In a small one (an iframe in a report, a phone)
 * every panel starts as a compact button and opens as a sheet over the
 * lower part of the map, one at a time, closed by its × or Escape. The bar
 * under the map (status line, timeline) takes its own height from the
 * frame, and fitting the view to the events leaves the panels clear.
 */
(function () {
  'use strict';

  var g = window.geomap;
  var COMPACT_WIDTH = 700;    // px: below this the panels are buttons and sheets
  var COMPACT_HEIGHT = 460;
  var GAP = 10;               // px between controls (Leaflet's margin)
  // Largest share of the map's height a panel's body takes beside the map.
  var CAP = {filters: 0.38, legend: 0.4, missing: 0.3, list: 0.46};
  var SHEET = 0.62;           // share of the map's height a sheet takes at most
  var OPEN_IN_LARGE = {filters: true, legend: true};
  var MARGIN = 16;            // px kept between the events and the panels or edges
  var POPUP_MIN_WIDTH = 300;  // px of the map a popup is given at least (when the frame has them)
  // Leaflet's popup around its content: margins and padding (x), the same,
  // the tip and the gap below it (y); under the tip, the marker and its ring.
  var POPUP_CHROME = {x: 47, y: 68};
  var MARKER_ROOM = 20;

  function Layout(app) {
    var self = this;
    this.app = app;
    this.map = app.map;
    this.container = app.map.getContainer();
    this.compact = null;
    this.panels = Array.prototype.slice.call(this.container.querySelectorAll('details.geomap-panel'));
    this.panels.forEach(function (panel) {
      panel.addEventListener('toggle', function () { self.onToggle(panel); });
    });
    this.attribution = this.container.querySelector('.leaflet-control-attribution');
    if (this.attribution) {
      L.DomEvent.on(this.attribution, 'click keydown', function (e) {
        if (!self.compact || (e.type === 'keydown' && e.key !== 'Enter' && e.key !== ' ')) { return; }
        if (e.target && e.target.tagName === 'A') { return; }
        L.DomUtil[L.DomUtil.hasClass(self.attribution, 'geomap-open') ? 'removeClass' : 'addClass'](
          self.attribution, 'geomap-open');
        self.update();
      });
    }
    document.addEventListener('keydown', function (e) {
      if (e.key === 'Escape' && self.compact) {
        var open = self.openPanels();
        if (open.length) { open[0].open = false; open[0].querySelector('summary').focus(); }
      }
    });
    this.panels.forEach(function (panel) {
      var body = bodyOf(panel);
      body.addEventListener('scroll', function () { cue(body); }, {passive: true});
    });
    window.addEventListener('resize', function () { self.update(); });
    document.addEventListener('fullscreenchange', function () { self.update(); });
    this.update();
  }

  Layout.prototype.openPanels = function () {
    return this.panels.filter(function (p) { return p.open; });
  };

  Layout.prototype.onToggle = function (panel) {
    if (this._busy) { return; }
    var sheet = panel.open && this.compact;
    if (sheet) {
      if (!this._sheetView) { this._sheetView = this.view(); }  // the view before any sheet
      // One sheet at a time.
      this._busy = true;
      this.panels.forEach(function (p) { if (p !== panel) { p.open = false; } });
      this._busy = false;
    }
    this.update();
    if (sheet) {
      this.keepInSight();
      var head = panel.querySelector('.geomap-close');
      if (head) { head.focus({preventScroll: true}); }
    } else if (this.compact && !this.openPanels().length) {
      this.giveViewBack();
    }
  };

  Layout.prototype.view = function () {
    var map = this.map;
    return {center: map.getCenter(), zoom: map.getZoom(), bounds: map.getBounds()};
  };

  // A sheet covers the lower part of the map: the events that were in view
  // before it opened move to the part above it (zoomed out if they must).
  Layout.prototype.keepInSight = function () {
    var saved = this._sheetView, bounds = saved && this.app.shownBounds(saved.bounds);
    if (!bounds) { return; }
    var pad = this.padding();
    this.map.fitBounds(bounds, {paddingTopLeft: pad[0], paddingBottomRight: pad[1], maxZoom: saved.zoom,
      animate: false});
    saved.fitted = this.view();
  };

  // The last sheet closed: the view it moved comes back, unless the reader
  // has moved the map since.
  Layout.prototype.giveViewBack = function () {
    var saved = this._sheetView, map = this.map;
    this._sheetView = null;
    if (!saved || !saved.fitted || map.getZoom() !== saved.fitted.zoom ||
        map.latLngToContainerPoint(saved.fitted.center).distanceTo(map.getSize().divideBy(2)) > 1) { return; }
    map.setView(saved.center, saved.zoom, {reset: true});  // exactly (a pan would round to pixels)
  };

  // Something else takes the view (a list row showing its event): closing the sheet keeps it.
  Layout.prototype.forgetSheetView = function () { this._sheetView = null; };

  // In a small frame a popup needs the room a sheet takes: the sheet closes
  // (the view stays where the popup is).
  Layout.prototype.makeWayForPopup = function () {
    var open = this.compact ? this.openPanels() : [];
    if (!open.length) { return; }
    this.forgetSheetView();
    open.forEach(function (p) { p.open = false; });
    this.update();
  };

  // Size of the frame the map is shown in (the page, or the iframe).
  Layout.prototype.frame = function () {
    return {x: document.documentElement.clientWidth || window.innerWidth,
      y: document.documentElement.clientHeight || window.innerHeight};
  };

  Layout.prototype.update = function () {
    if (this._updating) { return; }
    this._updating = true;
    try { this._update(); } finally { this._updating = false; }
  };

  Layout.prototype._update = function () {
    var app = this.app, container = this.container, frame = this.frame();
    // A printed page is a large frame, whatever the size of the screen's.
    var compact = !this.printing && (frame.x < COMPACT_WIDTH || frame.y < COMPACT_HEIGHT);
    if (compact !== this.compact) {
      var first = this.compact === null;
      this.compact = compact;
      this._sheetView = null;  // the sheets close (or become panels): no view to give back
      L.DomUtil[compact ? 'addClass' : 'removeClass'](container, 'geomap-compact');
      L.DomUtil[compact ? 'addClass' : 'removeClass'](app.bar, 'geomap-bar-compact');
      this._busy = true;
      this.panels.forEach(function (p) {
        if (compact) { p.open = false; } else if (first) { p.open = !!OPEN_IN_LARGE[p.getAttribute('data-panel')]; }
      });
      this._busy = false;
      if (this.attribution) {
        this.attribution.setAttribute('tabindex', compact ? '0' : '-1');
        if (compact) {
          this.attribution.setAttribute('role', 'button');
          this.attribution.setAttribute('aria-label', 'Map data sources');
        } else {
          this.attribution.removeAttribute('role');
          this.attribution.removeAttribute('aria-label');
          L.DomUtil.removeClass(this.attribution, 'geomap-open');
        }
      }
      if (app.timeline) { app.timeline.resize(); }
    }
    this.fitBar();
    if (compact) { this.layoutCompact(); } else { this.layoutLarge(); }
    this.updateCues();
    app.updateOutside();  // the panels moved: what they cover changed
  };

  // A shadow at the edge of a panel's body past which there is more to scroll to.
  function cue(body) {
    var more = body.scrollHeight - body.clientHeight > 1;
    L.DomUtil[more && body.scrollTop > 1 ? 'addClass' : 'removeClass'](body, 'geomap-more-above');
    L.DomUtil[more && body.scrollTop + body.clientHeight < body.scrollHeight - 1 ? 'addClass' : 'removeClass'](
      body, 'geomap-more-below');
  }

  Layout.prototype.updateCues = function () {
    this.panels.forEach(function (panel) { if (panel.open) { cue(bodyOf(panel)); } });
  };

  // The bar under the map takes its height; the map the rest of the frame,
  // an even number of pixels (so the centre is a whole pixel and a view
  // written to a link after a pan comes back exactly).
  Layout.prototype.fitBar = function () {
    var app = this.app, height = app.bar.offsetHeight;
    height += (this.container.parentNode.clientHeight - height) % 2;
    if (height !== this._barHeight) {
      this._barHeight = height;
      this.container.style.height = 'calc(100% - ' + height + 'px)';
      document.documentElement.style.setProperty('--geomap-bar-height', height + 'px');
      this.map.invalidateSize({pan: false});
      if (app.timeline) { app.timeline.resize(); }
    }
  };

  function bodyOf(panel) { return panel.querySelector('.geomap-panel-body'); }

  function outerHeight(node) {
    if (!node || node.offsetParent === null) { return 0; }
    var style = getComputedStyle(node);
    return node.offsetHeight + parseFloat(style.marginTop) + parseFloat(style.marginBottom);
  }

  Layout.prototype.corner = function (name) {
    return this.container.querySelector('.leaflet-control-container .leaflet-' + name.replace('-', '.leaflet-'));
  };

  // Beside the map: each side's two corners share the map's height; a body
  // that does not fit scrolls (the shortest get their full height first).
  Layout.prototype.layoutLarge = function () {
    var self = this, size = this.map.getSize();
    this.panels.forEach(function (p) {
      L.DomUtil.removeClass(p, 'geomap-sheet');
      p.parentNode.style.zIndex = '';
      p.querySelector('.geomap-panel-content').style.maxHeight = '';
      p.style.width = '';
      var body = bodyOf(p);
      body.style.maxHeight = '';
      if (p.open) { body.style.maxHeight = Math.floor(size.y * (CAP[p.getAttribute('data-panel')] || 0.3)) + 'px'; }
    });
    if (this.app.title) { this.app.title.getContainer().style.maxWidth = Math.floor(size.x * 0.4) + 'px'; }
    var list = this.container.querySelector('details.geomap-list-panel');
    if (list && list.open) {
      var left = this.corner('bottom-left'), leftWidth = left ? left.offsetWidth : 0;
      list.style.width = Math.max(280, Math.min(680, size.x - leftWidth - 3 * GAP)) + 'px';
    }
    [['top-left', 'bottom-left'], ['top-right', 'bottom-right']].forEach(function (side) {
      var nodes = [];
      side.forEach(function (name) {
        var corner = self.corner(name);
        if (corner) { nodes = nodes.concat(Array.prototype.slice.call(corner.children)); }
      });
      var total = 0, open = [];
      nodes.forEach(function (node) {
        total += outerHeight(node);
        if (node.tagName === 'DETAILS' && node.open) { open.push(bodyOf(node)); }
      });
      var budget = size.y - GAP - total;
      if (budget >= 0 || !open.length) { return; }
      // Shrink the open bodies, the tallest first, until the side fits.
      var heights = open.map(function (b) { return b.offsetHeight; });
      var room = heights.reduce(function (a, b) { return a + b; }, 0) + budget;
      var order = open.map(function (b, k) { return k; }).sort(function (a, b) { return heights[a] - heights[b]; });
      order.forEach(function (k, n) {
        var share = Math.max(40, Math.floor(room / (order.length - n)));
        var h = Math.min(heights[k], share);
        open[k].style.maxHeight = h + 'px';
        room -= h;
      });
    });
  };

  // Small frame: buttons at the corners; an open panel is a sheet over the
  // lower part of the map, below the buttons at the top.
  Layout.prototype.layoutCompact = function () {
    var size = this.map.getSize();
    this.panels.forEach(function (p) {
      p.parentNode.style.zIndex = '';
      p.style.width = '';
      bodyOf(p).style.maxHeight = '';
      p.querySelector('.geomap-panel-content').style.maxHeight = '';
      L.DomUtil[p.open ? 'addClass' : 'removeClass'](p, 'geomap-sheet');
    });
    var right = this.corner('top-right');
    if (this.app.title) {
      this.app.title.getContainer().style.maxWidth = Math.max(80, size.x - (right ? right.offsetWidth : 0) - 3 * GAP) + 'px';
    }
    var top = Math.max(this.columnBottom('top-left'), this.columnBottom('top-right'));
    this.openPanels().forEach(function (p) {
      p.parentNode.style.zIndex = 1001;  // above the other corners
      var height = Math.max(120, Math.min(size.y * SHEET, size.y - Math.min(top, size.y * 0.45) - GAP));
      p.querySelector('.geomap-panel-content').style.maxHeight = Math.floor(height) + 'px';  // its body scrolls
    });
  };

  Layout.prototype.columnBottom = function (name) {
    var corner = this.corner(name), bottom = 0, top = this.container.getBoundingClientRect().top;
    if (!corner) { return 0; }
    Array.prototype.forEach.call(corner.children, function (node) {
      if (node.offsetParent !== null && !L.DomUtil.hasClass(node, 'geomap-sheet')) {
        bottom = Math.max(bottom, node.getBoundingClientRect().bottom - top);
      }
    });
    return bottom;
  };

  // Rectangles of what lies over the map, relative to the map: an open
  // sheet (first), then the controls.
  Layout.prototype.controlRects = function () {
    var origin = this.container.getBoundingClientRect(), rects = [];
    function add(node) {
      var r = node.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) { return; }
      rects.push({left: r.left - origin.left, top: r.top - origin.top, right: r.right - origin.left,
        bottom: r.bottom - origin.top});
    }
    Array.prototype.forEach.call(this.container.querySelectorAll('.geomap-sheet > .geomap-panel-content'), add);
    Array.prototype.forEach.call(this.container.querySelectorAll('.leaflet-control-container .leaflet-control'),
      function (node) { if (node.offsetParent !== null) { add(node); } });
    return rects;
  };

  // Padding for fitBounds ([[left, top], [right, bottom]]) that keeps the
  // events clear of the panels: each control is set off either at its side
  // or at its edge (top or bottom), whichever leaves the largest free area
  // at least `minWidth` px wide (a popup's room).
  Layout.prototype.padding = function (minWidth) {
    var size = this.map.getSize(), W = size.x, H = size.y, margin = MARGIN;
    var rects = this.controlRects().slice(0, 13), k = rects.length, best = null;
    for (var mask = 0; mask < (1 << k); mask++) {
      var l = 0, r = 0, t = 0, b = 0;
      for (var j = 0; j < k; j++) {
        var q = rects[j];
        if (mask & (1 << j)) {
          if (q.left + q.right < W) { l = Math.max(l, q.right); } else { r = Math.max(r, W - q.left); }
        } else if (q.top + q.bottom < H) { t = Math.max(t, q.bottom); } else { b = Math.max(b, H - q.top); }
      }
      var width = W - l - r - 2 * margin;
      if (minWidth && width < minWidth) { continue; }
      var area = Math.max(0, width) * Math.max(0, H - t - b - 2 * margin);
      if (!best || area > best.area) { best = {area: area, l: l, r: r, t: t, b: b}; }
    }
    if (!best || best.area < 0.12 * W * H) { return [[margin, margin], [margin, margin]]; }
    return [[best.l + margin, best.t + margin], [best.r + margin, best.b + margin]];
  };

  // Room for a popup: the largest size of its content, and the padding
  // Leaflet's pan keeps around it so that the popup and the marker under its
  // tip are both in the part of the map the panels leave.
  Layout.prototype.popupRoom = function () {
    var size = this.map.getSize();
    var pad = this.padding(Math.min(POPUP_MIN_WIDTH, size.x - 2 * MARGIN));
    var width = size.x - pad[0][0] - pad[1][0] - POPUP_CHROME.x;
    var height = size.y - pad[0][1] - pad[1][1] - POPUP_CHROME.y - MARKER_ROOM;
    return {width: Math.max(120, Math.min(360, width)), height: Math.max(90, Math.min(380, height)),
      topLeft: pad[0], bottomRight: [pad[1][0], pad[1][1] + MARKER_ROOM]};
  };

  g.Layout = Layout;
})();
