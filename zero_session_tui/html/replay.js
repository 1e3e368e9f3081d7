// The HTML replay's player. Event text is data: it reaches the page through textContent
// only (never parsed as markup), so tags, scripts and URLs in it show as the characters they are.
(function () {
  "use strict";
  var ROW = 22; // px: the CSS --row
  var OVERSCAN = 8;
  var LINE_CAP = 400; // characters of an event shown in its row (all of it in the detail)

  function $(id) { return document.getElementById(id); }
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  var head = JSON.parse($("zst-head").textContent);
  var tail = JSON.parse($("zst-tail").textContent);
  var events = [];
  var blocks = document.querySelectorAll("script.zst-events");
  for (var b = 0; b < blocks.length; b++) {
    var part = JSON.parse(blocks[b].textContent);
    for (var p = 0; p < part.length; p++) events.push(part[p]);
  }
  var total = events.length;
  var kinds = {};
  head.kinds.forEach(function (k) { kinds[k.value] = k; });

  var state = {
    pos: 0, // events revealed: events[0 .. pos)
    playing: false,
    speed: 0,
    enabled: {},
    visible: [], // indices of revealed events of enabled kinds, in order
    selected: -1,
    matches: [],
    matchAt: -1,
    query: "",
    follow: true
  };
  head.kinds.forEach(function (k) { state.enabled[k.value] = true; });
  var timer = null;
  var lower = null;

  // ---- formatting -------------------------------------------------------------------------

  function pad(n) { return n < 10 ? "0" + n : String(n); }
  function offset(ms) { // as formatting.clock_offset: +12:03.4, +1:02:03.4
    if (ms === null) return "?";
    var tenths = Math.trunc(ms / 100);
    var sign = tenths < 0 ? "-" : "+";
    tenths = Math.abs(tenths);
    var seconds = Math.floor(tenths / 10), tenth = tenths % 10;
    var minutes = Math.floor(seconds / 60), second = seconds % 60;
    var hours = Math.floor(minutes / 60), minute = minutes % 60;
    var tailText = pad(second) + "." + tenth;
    return hours ? sign + hours + ":" + pad(minute) + ":" + tailText
      : sign + pad(minute) + ":" + tailText;
  }
  function kindName(e) { return e.length > 4 ? e[4] : e[2]; }
  function glyph(e) {
    if (e.length > 4) return head.unknown_glyph;
    return kinds[e[2]] ? kinds[e[2]].glyph : head.unknown_glyph;
  }
  function oneLine(text) {
    var cut = text.length > LINE_CAP;
    var shown = (cut ? text.slice(0, LINE_CAP) : text).split("\n").join(" \u23ce ");
    return cut ? shown + "\u2026" : shown;
  }

  // ---- the page's fixed parts -------------------------------------------------------------

  document.title = "Replay " + head.ulid;
  $("title").textContent = "Session " + head.ulid;
  var facts = [
    ["started", head.started || "unknown"],
    ["ended", head.ended || "not ended"],
    ["CLI version", head.cli_version],
    ["engine", head.engine || "none"],
    ["forked from", head.parent || "none"],
    ["events", total.toLocaleString("en")]
  ];
  if (head.name) facts.unshift(["name", head.name]);
  if (head.tags && head.tags.length) {
    facts.splice(head.name ? 1 : 0, 0, ["tags", head.tags.map(function (t) { return "#" + t; }).join(" ")]);
  }
  if (head.redacted) facts.push(["secrets masked", String(tail.redactions)]);
  facts.forEach(function (f) {
    var row = el("div");
    row.appendChild(el("dt", "", f[0]));
    row.appendChild(el("dd", "", f[1]));
    $("facts").appendChild(row);
  });

  var speedSelect = $("speed");
  head.speeds.forEach(function (s, i) {
    var option = el("option", "", s === null ? "max" : s + "x");
    option.value = String(i);
    speedSelect.appendChild(option);
  });

  var counts = {};
  events.forEach(function (e) { counts[e[2]] = (counts[e[2]] || 0) + 1; });
  var kindButtons = {};
  head.kinds.forEach(function (k) {
    var button = el("button", "kind-toggle " + k.value,
      k.key + " " + k.glyph + " " + k.label + " " + (counts[k.value] || 0).toLocaleString("en"));
    button.type = "button";
    button.setAttribute("aria-pressed", "true");
    button.dataset.kind = k.value;
    button.addEventListener("click", function () { toggleKind(k.value); });
    kindButtons[k.value] = button;
    $("filters").appendChild(button);
  });

  var legend = [["warn", "\u25b2 warnings", counts.warn], ["alert", "\u25a0 alerts", counts.alert],
    ["mode_change", "\u21c4 mode changes", counts.mode_change],
    ["bookmark", "bookmarks", head.bookmarks.length]];
  legend.forEach(function (l) {
    var item = el("span");
    item.appendChild(el("span", "swatch " + l[0]));
    item.appendChild(document.createTextNode(l[1] + " " + (l[2] || 0).toLocaleString("en")));
    $("legend").appendChild(item);
  });

  var seek = $("seek");
  seek.max = String(total);

  // ---- markers: one per pixel column and type (the first event there) -------------------

  function indexOfSeq(seq) { // events are in seq order
    var lo = 0, hi = total;
    while (lo < hi) { var mid = (lo + hi) >> 1; if (events[mid][0] < seq) lo = mid + 1; else hi = mid; }
    return lo < total && events[lo][0] === seq ? lo : -1;
  }
  function drawMarkers() {
    var strip = $("markers");
    strip.textContent = "";
    var width = Math.max(1, strip.clientWidth);
    var taken = {};
    function mark(type, i) {
      var x = total > 1 ? Math.floor(i / (total - 1) * (width - 2)) : 0;
      if (taken[type + x]) return;
      taken[type + x] = true;
      var e = events[i];
      var node = el("button", "marker " + type);
      node.type = "button";
      node.style.left = x + "px";
      node.dataset.index = String(i);
      node.title = "seq " + e[0] + " " + (type === "bookmark" ? "bookmark" : kindName(e));
      node.setAttribute("aria-label", node.title);
      node.addEventListener("click", function () { reveal(i); });
      strip.appendChild(node);
    }
    for (var i = 0; i < total; i++) {
      if (head.markers.indexOf(events[i][2]) >= 0) mark(events[i][2], i);
    }
    head.bookmarks.forEach(function (seq) {
      var at = indexOfSeq(seq);
      if (at >= 0) mark("bookmark", at);
    });
  }

  // ---- the list: only the rows on screen exist ------------------------------------------

  var list = $("list"), spacer = $("spacer"), rows = $("rows");

  function rebuild() {
    var visible = [];
    for (var i = 0; i < state.pos; i++) if (state.enabled[events[i][2]]) visible.push(i);
    state.visible = visible;
  }
  function atBottom() { return list.scrollTop + list.clientHeight >= list.scrollHeight - ROW; }
  function isMatch(i) { return state.query !== "" && lower !== null && lower[i].indexOf(state.query) >= 0; }

  function render() {
    var n = state.visible.length;
    spacer.style.height = n * ROW + "px";
    // Clamped here: the browser may clamp a scroll offset only at its next frame.
    var maxTop = Math.max(0, n * ROW - list.clientHeight);
    if (state.follow || list.scrollTop > maxTop) list.scrollTop = maxTop;
    var top = Math.min(list.scrollTop, maxTop);
    var first = Math.max(0, Math.floor(top / ROW) - OVERSCAN);
    var last = Math.min(n, Math.ceil((top + list.clientHeight) / ROW) + OVERSCAN);
    var current = state.matchAt >= 0 ? state.matches[state.matchAt] : -1;
    var fragment = document.createDocumentFragment();
    for (var k = first; k < last; k++) {
      var i = state.visible[k], e = events[i];
      var row = el("div", "row " + e[2]);
      if (i === state.selected) row.className += " selected";
      if (isMatch(i)) row.className += " match";
      if (i === current) row.className += " current";
      row.style.top = k * ROW + "px";
      row.dataset.index = String(i);
      row.dataset.seq = String(e[0]);
      row.appendChild(el("span", "seq", String(e[0])));
      row.appendChild(el("span", "off", offset(e[1])));
      row.appendChild(el("span", "kind", glyph(e) + " " + kindName(e)));
      row.appendChild(el("span", "text", oneLine(e[3])));
      fragment.appendChild(row);
    }
    rows.textContent = "";
    rows.appendChild(fragment);
    status();
  }

  function status() {
    var speed = head.speeds[state.speed];
    var at = state.pos > 0 ? offset(events[state.pos - 1][1]) : offset(0);
    $("status").textContent = (state.playing ? "playing" : "paused") + " \u00b7 " +
      state.pos.toLocaleString("en") + " of " + total.toLocaleString("en") + " events \u00b7 " +
      at + " \u00b7 " + (speed === null ? "max" : speed + "x") +
      (state.pos >= total && total > 0 ? " \u00b7 end" : "");
    $("play").textContent = state.playing ? "Pause" : "Play";
    seek.value = String(state.pos);
  }

  function showDetail(i) {
    var detail = $("detail");
    if (i < 0) { detail.textContent = ""; return; }
    var e = events[i];
    detail.textContent = "seq " + e[0] + " \u00b7 " + offset(e[1]) + " \u00b7 " + glyph(e) +
      " " + kindName(e) + "\n" + e[3];
  }

  function select(i) { state.selected = i; showDetail(i); render(); }

  // ---- moving the playhead ----------------------------------------------------------------

  function setPos(pos) {
    pos = Math.max(0, Math.min(total, pos));
    if (pos >= state.pos) {
      for (var i = state.pos; i < pos; i++) if (state.enabled[events[i][2]]) state.visible.push(i);
      state.pos = pos;
    } else {
      state.pos = pos;
      rebuild();
      if (state.selected >= pos) { state.selected = -1; showDetail(-1); }
    }
  }
  function seekTo(pos) { state.follow = true; setPos(pos); render(); }
  function reveal(i) { // show event i: the playhead moves past it, the list scrolls to it
    setPlaying(false);
    if (i >= state.pos) setPos(i + 1);
    var k = lowerBound(state.visible, i);
    state.follow = false;
    state.selected = i;
    showDetail(i);
    spacer.style.height = state.visible.length * ROW + "px";
    list.scrollTop = Math.max(0, k * ROW - list.clientHeight / 2);
    render();
  }
  function lowerBound(array, value) {
    var lo = 0, hi = array.length;
    while (lo < hi) { var mid = (lo + hi) >> 1; if (array[mid] < value) lo = mid + 1; else hi = mid; }
    return lo;
  }

  // ---- timed play: the app's delays (idle gaps capped, divided by the speed) ---------------

  function delay(i) { // seconds between events i - 1 and i
    var speed = head.speeds[state.speed];
    if (speed === null) return head.frame;
    var a = events[i - 1][1], c = events[i][1];
    var gap = a === null || c === null ? 0 : Math.max(0, (c - a) / 1000);
    return Math.min(gap, head.idle_cap) / speed;
  }
  function step() {
    timer = null;
    if (!state.playing) return;
    var fast = head.speeds[state.speed] === null;
    var target = Math.min(total, state.pos + (fast ? head.max_batch : 1));
    while (!fast && target < total && target - state.pos < head.max_batch && delay(target) < 0.004) target++;
    state.follow = state.follow || atBottom();
    setPos(target);
    if (state.pos >= total) { setPlaying(false); return; }
    render();
    timer = setTimeout(step, delay(state.pos) * 1000);
  }
  function setPlaying(on) {
    if (on && state.pos >= total) { setPos(0); }
    state.playing = on && total > 0;
    if (timer !== null) { clearTimeout(timer); timer = null; }
    if (state.playing) { state.follow = true; step(); } else render();
  }

  // ---- kinds and find ---------------------------------------------------------------------

  function toggleKind(value) {
    state.enabled[value] = !state.enabled[value];
    kindButtons[value].setAttribute("aria-pressed", state.enabled[value] ? "true" : "false");
    rebuild();
    find(state.query);
    render();
  }

  function find(query) {
    state.query = query.toLowerCase();
    state.matches = [];
    state.matchAt = -1;
    if (state.query !== "") {
      if (lower === null) lower = events.map(function (e) { return e[3].toLowerCase(); });
      for (var i = 0; i < total; i++) {
        if (state.enabled[events[i][2]] && lower[i].indexOf(state.query) >= 0) state.matches.push(i);
      }
    }
    findCount();
  }
  function findCount() {
    var n = state.matches.length;
    $("find-count").textContent = state.query === "" ? "" :
      n === 0 ? "no matches" : state.matchAt < 0 ? n.toLocaleString("en") + " matches (Enter)"
        : (state.matchAt + 1) + " of " + n.toLocaleString("en");
  }
  function findNext(direction) {
    var n = state.matches.length;
    if (n === 0) { findCount(); return; }
    state.matchAt = state.matchAt < 0 ? (direction > 0 ? 0 : n - 1)
      : (state.matchAt + direction + n) % n;
    findCount();
    reveal(state.matches[state.matchAt]);
  }

  // ---- input ------------------------------------------------------------------------------

  $("play").addEventListener("click", function () { setPlaying(!state.playing); });
  speedSelect.addEventListener("change", function () {
    state.speed = Number(speedSelect.value);
    if (state.playing) setPlaying(true); else status();
  });
  seek.addEventListener("input", function () { seekTo(Number(seek.value)); });
  list.addEventListener("scroll", function () { state.follow = atBottom(); render(); });
  rows.addEventListener("click", function (event) {
    var row = event.target.closest(".row");
    if (row) select(Number(row.dataset.index));
  });
  var findInput = $("find"), findTimer = null;
  findInput.addEventListener("input", function () {
    if (findTimer !== null) clearTimeout(findTimer);
    findTimer = setTimeout(function () { findTimer = null; find(findInput.value); render(); }, 120);
  });
  findInput.addEventListener("keydown", function (event) {
    if (event.key === "Enter") {
      event.preventDefault();
      if (findTimer !== null) { clearTimeout(findTimer); findTimer = null; find(findInput.value); }
      findNext(event.shiftKey ? -1 : 1);
    } else if (event.key === "Escape") { findInput.blur(); }
  });
  $("next").addEventListener("click", function () { findNext(1); });
  $("prev").addEventListener("click", function () { findNext(-1); });
  document.addEventListener("keydown", function (event) {
    var tag = event.target.tagName;
    if (tag === "INPUT" || tag === "SELECT" || event.ctrlKey || event.metaKey || event.altKey) return;
    var key = event.key;
    if (tag === "BUTTON" && (key === " " || key === "Enter")) return; // the button's own
    var kind = head.kinds.filter(function (k) { return k.key === key; })[0];
    if (key === " ") { setPlaying(!state.playing); }
    else if (kind) { toggleKind(kind.value); }
    else if (key === "/") { findInput.focus(); }
    else if (key === "n") { findNext(1); }
    else if (key === "N") { findNext(-1); }
    else if (key === "+" || key === "=") { speedSelect.value = String(Math.min(head.speeds.length - 1, state.speed + 1)); speedSelect.dispatchEvent(new Event("change")); }
    else if (key === "-") { speedSelect.value = String(Math.max(0, state.speed - 1)); speedSelect.dispatchEvent(new Event("change")); }
    else return;
    event.preventDefault();
  });
  var resizeTimer = null;
  window.addEventListener("resize", function () {
    if (resizeTimer !== null) clearTimeout(resizeTimer);
    resizeTimer = setTimeout(function () { resizeTimer = null; drawMarkers(); render(); }, 150);
  });

  drawMarkers();
  render();
  document.documentElement.dataset.ready = String(Math.round(performance.now()));
})();
