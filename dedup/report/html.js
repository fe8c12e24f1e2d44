(function () {
  "use strict";
  // Filters, search, keyboard and passage jumps for the dedup HTML report.
  // Text from articles is only ever read or set through textContent, never parsed as HTML.
  var data = JSON.parse(document.getElementById("dedup-data").textContent);
  var haystack = data.articles.map(function (a) { return (a[0] + "\n" + (a[1] || "")).toLowerCase(); });
  var pairs = Array.prototype.slice.call(document.querySelectorAll("details.pair"));
  var stories = Array.prototype.slice.call(document.querySelectorAll("section.story"));
  var filters = Array.prototype.slice.call(document.querySelectorAll("button.filter"));
  var search = document.getElementById("search");
  var shown = document.getElementById("shown");
  var none = document.getElementById("none");

  function selectedRelations() {
    var on = {};
    filters.forEach(function (b) { if (b.getAttribute("aria-pressed") === "true") on[b.dataset.relation] = true; });
    return on;
  }

  function matchingArticles(query) {
    if (!query) return null;
    var hits = {};
    haystack.forEach(function (h, i) { if (h.indexOf(query) >= 0) hits[i] = true; });
    return hits;
  }

  function apply() {
    var on = selectedRelations();
    var hits = matchingArticles(search.value.trim().toLowerCase());
    var visible = 0;
    pairs.forEach(function (p) {
      var ok = on[p.dataset.relation] && (!hits || hits[p.dataset.a] || hits[p.dataset.b]);
      p.hidden = !ok;
      if (ok) visible++;
    });
    stories.forEach(function (s) {
      var rels = s.dataset.relations.split(" ");
      var arts = s.dataset.articles.split(" ");
      s.hidden = !(rels.some(function (r) { return on[r]; }) && (!hits || arts.some(function (a) { return hits[a]; })));
    });
    shown.textContent = visible.toLocaleString("en") + " of " + pairs.length.toLocaleString("en") + " pairs";
    if (none) none.hidden = visible > 0 || pairs.length === 0;
  }

  filters.forEach(function (b) {
    b.addEventListener("click", function () {
      b.setAttribute("aria-pressed", b.getAttribute("aria-pressed") === "true" ? "false" : "true");
      apply();
    });
  });
  search.addEventListener("input", apply);

  function visiblePairs() { return pairs.filter(function (p) { return !p.hidden; }); }

  function currentPair() {
    var el = document.activeElement;
    return el && el.closest ? el.closest("details.pair") : null;
  }

  function focusPair(p) {
    if (!p) return;
    var s = p.querySelector("summary");
    s.focus();
    s.scrollIntoView({ block: "nearest" });
  }

  function move(step) {
    var list = visiblePairs();
    if (!list.length) return;
    var k = list.indexOf(currentPair());
    focusPair(list[k < 0 ? (step > 0 ? 0 : list.length - 1) : Math.max(0, Math.min(list.length - 1, k + step))]);
  }

  document.addEventListener("keydown", function (ev) {
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    var typing = ev.target === search;
    if (typing) {
      if (ev.key === "Escape") { search.blur(); }
      else if (ev.key === "Enter" || ev.key === "ArrowDown") { ev.preventDefault(); focusPair(visiblePairs()[0]); }
      return;
    }
    var onSummary = ev.target.matches && ev.target.matches("details.pair > summary");
    if (ev.key === "/") { ev.preventDefault(); search.focus(); search.select(); }
    else if (ev.key === "j" || (ev.key === "ArrowDown" && onSummary)) { ev.preventDefault(); move(1); }
    else if (ev.key === "k" || (ev.key === "ArrowUp" && onSummary)) { ev.preventDefault(); move(-1); }
  });

  function showPassage(pair, k) {
    if (!/^\d+$/.test(k)) return;
    pair.querySelectorAll(".hl.on").forEach(function (el) { el.classList.remove("on"); });
    pair.querySelectorAll('.text [data-p~="' + k + '"]').forEach(function (el) { el.classList.add("on"); });
    pair.querySelectorAll(".text").forEach(function (col) {
      var first = col.querySelector('[data-p~="' + k + '"]');
      if (first) col.scrollTop = Math.max(0, first.offsetTop - 24);
    });
  }

  document.addEventListener("click", function (ev) {
    var target = ev.target.closest ? ev.target.closest("button.passage, .text .hl[data-k]") : null;
    if (!target) return;
    showPassage(target.closest("details.pair"), target.dataset.k);
  });

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function shortId(id) {  // as graph.short in Python: the end of a long id is kept
    return id.length <= 22 ? id : id.slice(0, 11) + "\u2026" + id.slice(id.length - 10);
  }

  // A related pair's body (its scores and shared quotations) is built from the JSON when first opened.
  function buildBody(pair) {
    var body = pair.querySelector(".body[data-lazy]");
    if (!body) return;
    body.removeAttribute("data-lazy");
    var d = data.related.pairs[pair.id.slice(1)];
    if (!d) return;
    var labels = data.related.labels;
    var ids = [data.articles[pair.dataset.a][0], data.articles[pair.dataset.b][0]];
    body.appendChild(el("p", "why-block", data.related.note));
    var box = body.appendChild(el("div", "scores"));
    if (d[0].length) {
      var table = box.appendChild(el("table", "per-article"));
      var head = table.appendChild(el("tr"));
      head.appendChild(el("td"));
      ids.forEach(function (id) { var th = head.appendChild(el("th", "id", shortId(id))); th.scope = "col"; });
      d[0].forEach(function (row) {
        var tr = table.appendChild(el("tr"));
        var th = tr.appendChild(el("th", "", labels[row[0]]));
        th.scope = "row";
        tr.appendChild(el("td", "", row[1]));
        tr.appendChild(el("td", "", row[2]));
      });
    }
    var dl = box.appendChild(el("dl"));
    d[1].forEach(function (row) {
      var div = dl.appendChild(el("div"));
      div.appendChild(el("dt", "", labels[row[0]]));
      div.appendChild(el("dd", "", row[1]));
    });
    if (d[2].length) {
      var quotes = body.appendChild(el("div", "quotes"));
      quotes.appendChild(el("h4", "", "Shared quotations"));
      var ul = quotes.appendChild(el("ul"));
      d[2].forEach(function (q) { ul.appendChild(el("li", "", "\u201c" + q + "\u201d")); });
    }
  }

  // Before a summary's click opens its pair (mouse or Enter), so the body is there when shown.
  document.addEventListener("click", function (ev) {
    var summary = ev.target.closest ? ev.target.closest("details.pair > summary") : null;
    if (summary) buildBody(summary.parentNode);
  }, true);

  // On first opening, scroll each text to its first passage when that lies out of sight.
  document.addEventListener("toggle", function (ev) {
    var pair = ev.target;
    if (!pair.matches || !pair.matches("details.pair") || !pair.open || pair.dataset.seen) return;
    pair.dataset.seen = "1";
    buildBody(pair);
    pair.querySelectorAll(".text").forEach(function (col) {
      var first = col.querySelector(".hl");
      if (first && first.offsetTop > col.clientHeight * 0.6) col.scrollTop = first.offsetTop - 48;
    });
  }, true);

  function openFromHash() {
    var id = decodeURIComponent(location.hash.slice(1));
    if (!/^p\d+$/.test(id)) return;
    var p = document.getElementById(id);
    if (!p) return;
    if (p.hidden) {
      search.value = "";
      filters.forEach(function (b) { if (!b.disabled) b.setAttribute("aria-pressed", "true"); });
      apply();
    }
    buildBody(p);
    p.open = true;
    focusPair(p);
  }
  window.addEventListener("hashchange", openFromHash);

  apply();
  openFromHash();
})();
