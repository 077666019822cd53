/*
 * geomap URL state: the filters and the view live in the hash
 * (#actors=…&as=doer&types=…&from=…&to=…&z=…&ll=…), so a link or an iframe
 * shows a filtered view and Back undoes a filter change.
 *
 * Reading is tolerant, as hand-written links are: `+` or `%20` for spaces,
 * names in any case, an unencoded colon or comma, a month for a date. What
 * a link asks for that this map lacks is reported in a notice and kept in
 * the hash, never silently dropped. A hash is only data: every value is
 * matched against the map's own actors and types.
 */
(function () {
  'use strict';

  var g = window.geomap;
  var MAX_SHOWN = 80;  // characters of an unknown value quoted in the notice

  function decode(raw) {
    var text = raw.replace(/\+/g, ' ');
    try { return decodeURIComponent(text); }
    catch (err) {
      // A malformed escape: decode the ASCII ones, keep the rest as written.
      return text.replace(/%([0-9a-fA-F]{2})/g, function (m, hex) {
        var code = parseInt(hex, 16);
        return code < 128 ? String.fromCharCode(code) : m;
      });
    }
  }

  function encode(text) { return encodeURIComponent(text).replace(/%20/g, '+'); }

  function fold(text) { return String(text).normalize('NFC').replace(/\s+/g, ' ').trim().toLowerCase(); }

  // A value as the notice quotes it (a `+` that came encoded is shown as the space it stood for).
  function quoted(text) {
    text = text.replace(/\+/g, ' ');
    return '“' + (text.length > MAX_SHOWN ? text.slice(0, MAX_SHOWN) + '…' : text) + '”';
  }

  function params(hash) {
    var out = [];
    hash.replace(/^#/, '').split(/[&;]/).forEach(function (part) {
      if (!part) { return; }
      var at = part.indexOf('=');
      out.push({key: fold(decode(at === -1 ? part : part.slice(0, at))), raw: at === -1 ? '' : part.slice(at + 1)});
    });
    return out;
  }

  // name -> indices, by exact folded name and by the name without a trailing "(…)".
  function nameIndex(names) {
    var exact = new Map(), short = new Map();
    names.forEach(function (name, k) {
      var f = fold(name), s = fold(name.replace(/\s*\([^()]*\)\s*$/, ''));
      if (!exact.has(f)) { exact.set(f, []); }
      exact.get(f).push(k);
      if (!short.has(s)) { short.set(s, []); }
      short.get(s).push(k);
    });
    function find(text) { var f = fold(text); return exact.get(f) || short.get(f) || null; }
    // A `+` that reached us encoded (%2B, as some tools write a link's hash) is a space too.
    return function (text) { return find(text) || (text.indexOf('+') !== -1 ? find(text.replace(/\+/g, ' ')) : null); };
  }

  // Match each comma-separated item; an item that matches nothing is tried
  // joined with the next ones (a name holding an unencoded comma).
  function matchList(raw, lookup) {
    var items = raw === '' ? [] : raw.split(','), found = [], unknown = [], keep = [];
    for (var i = 0; i < items.length; i++) {
      var hit = lookup(decode(items[i]));
      for (var j = i + 1; !hit && j < Math.min(items.length, i + 4); j++) {
        hit = lookup(decode(items.slice(i, j + 1).join(',')));
        if (hit) { i = j; }
      }
      if (hit) { found = found.concat(hit); }
      else if (items[i] !== '') { unknown.push(decode(items[i])); keep.push(items[i]); }
    }
    return {found: found, unknown: unknown, keep: keep};
  }

  function typeLookup(model) {
    var d = model.data;
    var types = nameIndex(d.types.map(function (t) { return t.name; }));
    var subs = nameIndex(d.subs.map(function (s) { return s.name; }));
    function subsOf(t) {
      var out = [];
      model.typeOfSub.forEach(function (tt, s) { if (tt === t) { out.push(s); } });
      return out;
    }
    return function (text) {
      var t = types(text);
      if (t) { return [].concat.apply([], t.map(subsOf)); }
      // "Type:Sub", the colon at any place (names may hold one too).
      for (var at = text.indexOf(':'); at !== -1; at = text.indexOf(':', at + 1)) {
        var tt = types(text.slice(0, at)), name = fold(text.slice(at + 1));
        if (!tt) { continue; }
        var hit = [];
        tt.forEach(function (k) { subsOf(k).forEach(function (s) { if (fold(d.subs[s].name) === name) { hit.push(s); } }); });
        if (hit.length) { return hit; }
      }
      return subs(text);
    };
  }

  // YYYY-MM-DD, or YYYY-MM / YYYY meaning the whole month or year.
  function parseDate(text, end) {
    var m = /^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$/.exec(text.trim());
    if (!m) { return null; }
    var y = +m[1], mo = m[2] ? +m[2] - 1 : (end ? 11 : 0);
    var day = m[3] ? +m[3] : (end ? new Date(Date.UTC(y, mo + 1, 0)).getUTCDate() : 1);
    var ms = Date.UTC(y, mo, day), check = new Date(ms);
    if (check.getUTCMonth() !== mo || check.getUTCDate() !== day || mo > 11) { return null; }
    return Math.round(ms / g.util.DAY_MS);
  }

  // Read a hash: the whole filter state (what it does not name is at its
  // default), the view if it gives one, and notices for what was not understood.
  function read(app, hash) {
    var model = app.model, d = model.data, state = model.defaultState(), view = null;
    var missing = [], unclear = [], keep = {};
    var z = null, ll = null;
    params(hash).forEach(function (p) {
      var value = decode(p.raw);
      switch (p.key) {
        case 'actors': {
          var actors = matchList(p.raw, nameIndex(d.actors.map(function (a) { return a.name; })));
          state.actors.fill(0);
          actors.found.forEach(function (k) { state.actors[k] = 1; });
          actors.unknown.forEach(function (name) { missing.push('actor ' + quoted(name)); });
          keep.actors = actors.keep;
          break;
        }
        case 'types': {
          var types = matchList(p.raw, typeLookup(model));
          state.subs.fill(0);
          types.found.forEach(function (s) { state.subs[s] = 1; });
          types.unknown.forEach(function (name) { missing.push('event type ' + quoted(name)); });
          keep.types = types.keep;
          break;
        }
        case 'as': {
          var mode = fold(value);
          if (/^(doer|actor ?1)$/.test(mode)) { state.mode = 'doer'; }
          else if (/^(either|either side|both|any)$/.test(mode)) { state.mode = 'either'; }
          else { unclear.push('as=' + quoted(value) + ' (use “doer” or “either”)'); }
          break;
        }
        case 'from':
        case 'to': {
          var day = value === '' ? null : parseDate(value, p.key === 'to');
          if (value !== '' && day === null) { unclear.push(p.key + '=' + quoted(value) + ' (a date is YYYY-MM-DD)'); }
          else { state[p.key] = day; }
          break;
        }
        case 'z': z = value; break;
        case 'll': ll = value; break;
        default: unclear.push('the setting ' + quoted(p.key));
      }
    });
    if (state.from !== null && state.to !== null && state.from > state.to) {
      var from = state.from; state.from = state.to; state.to = from;
      unclear.push('a start date after the end date (the two were swapped)');
    }
    if (z !== null || ll !== null) {
      var zoom = parseInt(z, 10), at = String(ll).split(',').map(Number);
      if (/^\d+$/.test(String(z).trim()) && at.length === 2 && isFinite(at[0]) && isFinite(at[1]) &&
          Math.abs(at[0]) <= 90 && Math.abs(at[1]) <= 180) {
        var map = app.map;
        view = {center: [at[0], at[1]], zoom: Math.max(map.getMinZoom(), Math.min(zoom, map.getMaxZoom()))};
      } else {
        unclear.push('the view z=' + quoted(String(z)) + ', ll=' + quoted(String(ll)));
      }
    }
    app.keep = keep;
    var notices = [];
    if (missing.length) { notices.push('Not in this map (kept in the link): ' + missing.join(', ') + '.'); }
    if (unclear.length) { notices.push('Not understood in the link: ' + unclear.join('; ') + '.'); }
    return {state: state, view: view, notices: notices};
  }

  // The hash for the app's current state and view.
  function write(app) {
    var m = app.model, d = m.data, parts = [], keep = app.keep || {};
    if (m.actorOn.indexOf(0) !== -1) {
      parts.push('actors=' + d.actors.filter(function (a, k) { return m.actorOn[k]; })
        .map(function (a) { return encode(a.name); }).concat(keep.actors || []).join(','));
    }
    if (m.mode === 'doer') { parts.push('as=doer'); }
    if (m.subOn.indexOf(0) !== -1) {
      var items = [];
      d.types.forEach(function (t, ti) {
        var subs = [], all = true;
        d.subs.forEach(function (s, si) {
          if (s.type !== ti) { return; }
          if (m.subOn[si]) { subs.push(s.name); } else { all = false; }
        });
        if (all) { items.push(encode(t.name)); return; }
        subs.forEach(function (s) { items.push(encode(t.name) + ':' + encode(s)); });
      });
      parts.push('types=' + items.concat(keep.types || []).join(','));
    }
    if (m.from !== null) { parts.push('from=' + g.util.dayToIso(m.from)); }
    if (m.to !== null) { parts.push('to=' + g.util.dayToIso(m.to)); }
    var c = app.map.getCenter();
    parts.push('z=' + app.map.getZoom());
    parts.push('ll=' + c.lat.toFixed(4) + ',' + c.lng.toFixed(4));
    return '#' + parts.join('&');
  }

  g.state = {read: read, write: write, parseDate: parseDate};
})();
