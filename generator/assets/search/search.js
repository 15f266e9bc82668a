/* policykb site search: the query side of generator/segment.py and generator/search.py in the
 * browser. Terms are cut against the index lexicon (shards by first character) and their
 * postings, scored by Whoosh at build time, are fetched on demand (shards by term hash), so a
 * query downloads a few small files whatever the size of the corpus. Results render in
 * Material's search box; every string from the data is inserted as text, never as HTML. */
(function () {
  "use strict";

  var HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff";
  var RUN = new RegExp("[0-9a-z]+|[" + HAN + "]+", "g");
  var IS_HAN = new RegExp("^[" + HAN + "]");
  var FILTER_WORDS = { "角色": "role", "单位": "unit", "类别": "category", "文件": "doc",
    role: "role", unit: "unit", category: "category", doc: "doc" };
  var FILTER_NAMES = { role: "角色", unit: "单位", category: "类别", doc: "文件" };

  function siteBase() {
    var config = document.getElementById("__config");
    var base = config ? JSON.parse(config.textContent).base : ".";
    return new URL(base.replace(/\/?$/, "/"), location.href);
  }

  // ------------------------------------------------------------------ segmentation (segment.py)

  function normalize(text) { return (text || "").normalize("NFKC").toLowerCase(); }

  function runs(text) {
    var out = [], m, norm = normalize(text);
    RUN.lastIndex = 0;
    while ((m = RUN.exec(norm)) !== null) out.push([m.index, m.index + m[0].length, m[0]]);
    return out;
  }
  function isHan(run) { return IS_HAN.test(run); }
  function compact(text) { return runs(text).map(function (r) { return r[2]; }).join(""); }
  function bigrams(run) {
    var out = [];
    for (var i = 0; i + 1 < run.length; i++) out.push(run.slice(i, i + 2));
    return out;
  }
  function chars(s) { return Array.from(s); }
  var HAN_WORD = new RegExp("^[" + HAN + "]{2,}$", "u");
  /* Keys whose postings a leaf needs: a Han word also matches through its bigrams (search.leaf_query). */
  function leafKeys(leaf) {
    var keys = [leaf[0] + "\t" + leaf[1]];
    if (leaf[0] === "w" && HAN_WORD.test(leaf[1])) bigrams(leaf[1]).forEach(function (g) { keys.push("g\t" + g); });
    return keys;
  }

  function queryLeaves(word, known, maxWord) {
    var whole = compact(word);
    if (!whole) return [];
    if (chars(whole).length === 1 && isHan(whole)) return [["g", whole]];
    if (known(whole)) return [["w", whole]];
    var leaves = [], pieces = runs(word);
    pieces.forEach(function (p, k) {
      var run = p[2];
      if (isHan(run)) {
        var glued = k > 0 && pieces[k - 1][1] === p[0] && !isHan(pieces[k - 1][2]);
        if (!(glued && chars(run).length === 1)) leaves = leaves.concat(hanLeaves(run, known, maxWord));
        return;
      }
      var next = pieces[k + 1];
      if (next && next[0] === p[1] && isHan(next[2])) leaves.push(["w", run + chars(next[2])[0]]);
      else leaves.push(["w", run]);
    });
    var seen = {}, unique = [];
    leaves.forEach(function (l) { var key = l[0] + "\t" + l[1]; if (!seen[key]) { seen[key] = 1; unique.push(l); } });
    return unique;
  }

  function hanLeaves(runText, known, maxWord) {
    var run = chars(runText), n = run.length;
    if (n === 1) return [["g", runText]];
    if (known(runText)) return [["w", runText]];
    var leaves = [], i = 0, gap = null;
    while (i < n) {
      var found = null;
      for (var j = Math.min(n, i + maxWord); j > i + 1; j--) {
        if (known(run.slice(i, j).join(""))) { found = j; break; }
      }
      if (found === null) { if (gap === null) gap = i; i += 1; continue; }
      if (gap !== null) { leaves = leaves.concat(gapLeaves(run, gap, i)); gap = null; }
      leaves.push(["w", run.slice(i, found).join("")]);
      i = found;
    }
    if (gap !== null) leaves = leaves.concat(gapLeaves(run, gap, n));
    return leaves;
  }

  function gapLeaves(run, start, end) {
    if (end - start >= 2) return bigrams(run.slice(start, end).join("")).map(function (g) { return ["g", g]; });
    var pair = start > 0 ? run.slice(start - 1, start + 1) : run.slice(start, start + 2);
    return [["g", pair.join("")]];
  }

  // ------------------------------------------------------------------ parsing (search.py)

  function QueryError(message) { this.message = message; }

  function filterKey(name) {
    var norm = normalize(name).trim();
    return /^[\x00-\x7f]*$/.test(norm) ? norm : compact(norm);
  }

  function parseQuery(query) {
    var words = [], filters = {};
    normalize(query).split(/\s+/).forEach(function (raw) {
      if (!raw) return;
      var at = raw.indexOf(":");
      if (at >= 0 && FILTER_WORDS.hasOwnProperty(raw.slice(0, at))) {
        var head = raw.slice(0, at), value = raw.slice(at + 1);
        if (!value) throw new QueryError("筛选条件 “" + raw + "” 缺少取值，应写作 " + head + ":名称");
        filters[FILTER_WORDS[head]] = value;
        return;
      }
      if (compact(raw)) words.push(raw);
    });
    if (!words.length) throw new QueryError("检索词为空：请输入至少一个汉字、字母或数字（标点不参与检索）");
    return { words: words, filters: filters };
  }

  // ------------------------------------------------------------------ data on demand

  function Engine(base) {
    this.data = new URL("assets/search/data/", base);
    this.cache = {};
    this.meta = null;
  }
  Engine.prototype.json = function (path) {
    if (!this.cache[path]) {
      this.cache[path] = fetch(new URL(path, this.data)).then(function (r) {
        if (!r.ok) throw new Error(path + ": " + r.status);
        return r.json();
      });
    }
    return this.cache[path];
  };
  Engine.prototype.ready = function () {
    var self = this;
    return this.meta ? Promise.resolve(this.meta) : this.json("meta.json").then(function (m) { self.meta = m; return m; });
  };
  Engine.prototype.lookup = function (keys) {
    var self = this, shards = {};
    keys.forEach(function (k) { shards[fnv1a(k) % self.meta.postShards] = 1; });
    return Promise.all(Object.keys(shards).map(function (s) { return self.json("post/" + s + ".json"); }))
      .then(function (maps) {
        var out = {};
        maps.forEach(function (m) { keys.forEach(function (k) { if (m.hasOwnProperty(k)) out[k] = m[k]; }); });
        return out;
      });
  };
  Engine.prototype.lexicon = function (text) {
    var self = this, shards = {};
    chars(compact(text)).forEach(function (c) { shards[fnv1a(c) % self.meta.lexShards] = 1; });
    return Promise.all(Object.keys(shards).map(function (s) { return self.json("lex/" + s + ".json"); }))
      .then(function (lists) {
        var set = new Set();
        lists.forEach(function (l) { l.forEach(function (t) { set.add(t); }); });
        return function (t) { return set.has(t); };
      });
  };

  function fnv1a(key) {
    var bytes = new TextEncoder().encode(key), h = 0x811c9dc5;
    for (var i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 0x01000193) >>> 0;
    return h >>> 0;
  }

  /* The ranked hits for a query: [{docnum, score}] and the parsed query. */
  Engine.prototype.search = function (query, limit) {
    var self = this, parsed;
    try { parsed = parseQuery(query); } catch (e) { return Promise.reject(e); }
    return this.ready().then(function (meta) {
      var synKeys = parsed.words.map(function (w) { return "s\t" + compact(w); });
      var tagNameKeys = parsed.words.map(function (w) { return "e\t" + compact(w); });
      var nameKeys = Object.keys(parsed.filters).map(function (k) { return "n\t" + k + "\t" + filterKey(parsed.filters[k]); });
      return Promise.all([self.lexicon(parsed.words.join("")), self.lookup(synKeys.concat(nameKeys, tagNameKeys))])
        .then(function (got) {
          var synonyms = got[1];
          var alternatives = parsed.words.map(function (w) { return synonyms["s\t" + compact(w)] || [compact(w)]; });
          var allText = [].concat.apply([], alternatives).join("");
          return self.lexicon(allText).then(function (known) {
            var plan = alternatives.map(function (alts) {
              return alts.map(function (alt) { return queryLeaves(alt, known, meta.maxWord); });
            });
            var filterIds = {};
            Object.keys(parsed.filters).forEach(function (k) {
              var id = synonyms["n\t" + k + "\t" + filterKey(parsed.filters[k])];
              if (id === undefined) throw new QueryError("未找到" + FILTER_NAMES[k] + " “" + parsed.filters[k] + "”（可用标识、名称或别称）");
              filterIds[k] = id;
            });
            var keys = [];
            var tags = parsed.words.map(function (w) { return synonyms["e\t" + compact(w)] || []; });
            plan.forEach(function (alts) { alts.forEach(function (leaves) { leaves.forEach(function (l) { keys = keys.concat(leafKeys(l)); }); }); });
            tags.forEach(function (ts) { ts.forEach(function (t) { keys.push("t\t" + t); }); });
            Object.keys(filterIds).forEach(function (k) { keys.push("f\t" + k + "\t" + filterIds[k]); });
            return self.lookup(keys).then(function (postings) {
              return { parsed: parsed, hits: rank(plan, tags, postings, filterIds, limit, meta.same || []) };
            });
          });
        });
    });
  };

  function termScores(postings, key) {
    var flat = postings[key] || [], map = new Map();
    for (var i = 0; i < flat.length; i += 2) map.set(flat[i], flat[i + 1]);
    return map;
  }

  /* Whoosh's Or(word, And(bigrams)) for a Han word, a single term otherwise. */
  function leafScores(postings, leaf) {
    var keys = leafKeys(leaf), scores = termScores(postings, keys[0]);
    if (keys.length === 1) return scores;
    intersect(keys.slice(1).map(function (k) { return termScores(postings, k); })).forEach(function (s, d) {
      scores.set(d, (scores.get(d) || 0) + s);
    });
    return scores;
  }

  function intersect(maps) {
    var out = new Map(maps[0]);
    for (var i = 1; i < maps.length; i++) {
      out.forEach(function (score, doc) {
        if (maps[i].has(doc)) out.set(doc, score + maps[i].get(doc)); else out.delete(doc);
      });
    }
    return out;
  }

  /* The best score of each document over several score maps (search.best_of). */
  function best(maps) {
    var out = new Map();
    maps.forEach(function (m) { m.forEach(function (s, d) { if (!out.has(d) || s > out.get(d)) out.set(d, s); }); });
    return out;
  }

  /* search.whoosh_query: a word scores its best spelling plus its best tag (Or adds the parts
   * that match); And adds the words. */
  function rank(plan, tags, postings, filterIds, limit, same) {
    var words = plan.map(function (alts, i) {
      var spellings = alts.filter(function (leaves) { return leaves.length; }).map(function (leaves) {
        return intersect(leaves.map(function (l) { return leafScores(postings, l); }));
      });
      var union = best(spellings);
      best(tags[i].map(function (t) { return termScores(postings, "t\t" + t); })).forEach(function (s, d) {
        union.set(d, (union.get(d) || 0) + s);
      });
      return union;
    });
    var scores = intersect(words);
    Object.keys(filterIds).forEach(function (k) {
      var allowed = new Set(postings["f\t" + k + "\t" + filterIds[k]] || []);
      scores.forEach(function (s, d) { if (!allowed.has(d)) scores.delete(d); });
    });
    var hits = [];
    scores.forEach(function (s, d) { hits.push({ docnum: d, score: s }); });
    hits.sort(function (a, b) {
      var sa = Math.round(a.score * 1e4), sb = Math.round(b.score * 1e4);
      return sb - sa || a.docnum - b.docnum;
    });
    var answers = collapse(hits, same);
    return { total: answers.length, top: answers.slice(0, limit) };
  }

  /* search.collapse: identical clauses are one answer, at the rank of the best of them, shown
   * as the first of their group that matched (the newest edition), the others under 同见. */
  function collapse(hits, same) {
    var groupOf = new Map(), out = [], at = new Map();
    same.forEach(function (g) { g.forEach(function (d) { groupOf.set(d, g); }); });
    hits.forEach(function (h) {
      var g = groupOf.get(h.docnum);
      if (!g) { out.push({ docnum: h.docnum, score: h.score, members: [h.docnum] }); return; }
      if (at.has(g[0])) { out[at.get(g[0])].members.push(h.docnum); return; }
      at.set(g[0], out.length);
      out.push({ docnum: h.docnum, score: h.score, members: [h.docnum] });
    });
    out.forEach(function (a) {
      if (a.members.length < 2) return;
      var g = groupOf.get(a.members[0]);
      a.members.sort(function (x, y) { return g.indexOf(x) - g.indexOf(y); });
      a.docnum = a.members[0];
    });
    return out;
  }

  Engine.prototype.documents = function (hits) {
    var self = this, size = this.meta.docChunk, chunks = {};
    hits.forEach(function (h) { (h.members || [h.docnum]).forEach(function (d) { chunks[Math.floor(d / size)] = 1; }); });
    return Promise.all(Object.keys(chunks).map(function (c) {
      return self.json("docs/" + c + ".json").then(function (rows) { return [Number(c), rows]; });
    })).then(function (got) {
      var rows = {};
      got.forEach(function (g) { g[1].forEach(function (row, i) { rows[g[0] * size + i] = row; }); });
      function hit(d, score) {
        var r = rows[d];
        return { id: r[0], kind: r[1], title: r[2], heading: r[3], number: r[4], url: r[5], text: r[6], year: r[7] || "", score: score, docnum: d };
      }
      return hits.map(function (h) {
        var shown = hit(h.docnum, h.score);
        shown.also = (h.members || []).slice(1).map(function (d) { return hit(d, h.score); });
        return shown;
      });
    });
  };

  // ------------------------------------------------------------------ snippets (search.py)

  function occurrences(text, needle) {
    var out = [], at = needle ? text.indexOf(needle) : -1;
    while (at >= 0) { out.push([at, at + needle.length]); at = text.indexOf(needle, at + needle.length); }
    return out;
  }

  function highlightSpans(text, words) {
    var norm = normalize(text);
    if (norm.length !== text.length) norm = text.toLowerCase();
    var spans = [];
    words.forEach(function (w) {
      var found = occurrences(norm, w);
      if (!found.length) runs(w).forEach(function (r) { found = found.concat(occurrences(norm, r[2])); });
      spans = spans.concat(found);
    });
    spans.sort(function (a, b) { return a[0] - b[0] || a[1] - b[1]; });
    var merged = [];
    spans.forEach(function (s) {
      var last = merged[merged.length - 1];
      if (last && s[0] <= last[1]) last[1] = Math.max(last[1], s[1]); else merged.push([s[0], s[1]]);
    });
    return merged;
  }

  /* [text, marked] pieces of a window around the first match (same rules as search.snippet). */
  function snippet(text, words, width) {
    width = width || 90;
    text = (text || "").split(/\s+/).filter(Boolean).join(" ");
    var spans = highlightSpans(text, words.map(compact)), start = 0;
    if (spans.length && text.length > width) start = Math.max(0, Math.min(spans[0][0] - Math.floor(width / 4), text.length - width));
    var end = Math.min(text.length, start + width), pieces = start > 0 ? [["…", false]] : [], pos = start;
    spans.forEach(function (sp) {
      if (sp[1] <= start || sp[0] >= end) return;
      var s = Math.max(sp[0], start), e = Math.min(sp[1], end);
      if (s > pos) pieces.push([text.slice(pos, s), false]);
      pieces.push([text.slice(s, e), true]);
      pos = e;
    });
    if (pos < end) pieces.push([text.slice(pos, end), false]);
    if (end < text.length) pieces.push(["…", false]);
    return pieces;
  }

  // ------------------------------------------------------------------ user interface

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text) node.textContent = text;
    return node;
  }

  function marked(pieces) {
    var frag = document.createDocumentFragment();
    pieces.forEach(function (p) {
      if (p[1]) frag.appendChild(el("mark", null, p[0])); else frag.appendChild(document.createTextNode(p[0]));
    });
    return frag;
  }

  function resultItem(base, hit, words) {
    var li = el("li", "md-search-result__item");
    var url = new URL(hit.url, base);
    url.searchParams.set("h", words.map(compact).join(" "));
    var a = el("a", "md-search-result__link");
    a.href = url.pathname + url.search + url.hash;
    a.tabIndex = -1;
    a.setAttribute("data-pkb-id", hit.id);
    var article = el("article", "md-search-result__article md-typeset");
    article.setAttribute("data-md-score", hit.score.toFixed(2));
    var where = [hit.number, hit.kind === "document" ? "" : hit.heading].filter(Boolean).join(" ");
    var h = el("h1");
    h.appendChild(marked(snippet(hit.title, hit.kind === "document" || hit.kind === "term" ? words : [], 200)));
    article.appendChild(h);
    if (where) { var w = el("p", "pkb-search__where"); w.appendChild(marked(snippet(where, words, 200))); article.appendChild(w); }
    var body = hit.text || (hit.kind === "term" ? "" : hit.heading);
    if (hit.kind === "term") { var t = el("p", "pkb-search__where"); t.appendChild(marked(snippet(hit.heading, words, 200))); article.appendChild(t); }
    if (body) { var p = el("p"); p.appendChild(marked(snippet(body, words))); article.appendChild(p); }
    a.appendChild(article);
    li.appendChild(a);
    if (hit.also && hit.also.length) {
      // Identical clauses elsewhere (other standards, other editions): one answer, several places.
      var also = el("p", "pkb-search__also", "同见：");
      hit.also.forEach(function (other, i) {
        var container = other.year && other.title.indexOf(other.year) < 0 ? other.title + "（" + other.year + "）" : other.title;
        var link = el("a", null, [container, other.number].filter(Boolean).join(" "));
        var u = new URL(other.url, base);
        u.searchParams.set("h", words.map(compact).join(" "));
        link.href = u.pathname + u.search + u.hash;
        link.setAttribute("data-pkb-id", other.id);
        if (i) also.appendChild(document.createTextNode("；"));
        also.appendChild(link);
      });
      li.appendChild(also);
    }
    return li;
  }

  function mount() {
    var root = document.querySelector("[data-pkb-search]");
    if (!root || root.hasAttribute("data-pkb-mounted")) return markTarget();
    root.setAttribute("data-pkb-mounted", "");
    var base = siteBase();
    var engine = new Engine(base);
    var input = root.querySelector(".md-search__input");
    var meta = root.querySelector(".md-search-result__meta");
    var list = root.querySelector(".md-search-result__list");
    var toggle = document.getElementById("__search");
    var current = 0;

    function open() { if (toggle && !toggle.checked) { toggle.checked = true; toggle.dispatchEvent(new Event("change")); } }
    function show(query) {
      var ticket = ++current;
      if (!query.trim()) { meta.textContent = "输入检索词"; list.textContent = ""; root.removeAttribute("data-pkb-state"); return; }
      root.setAttribute("data-pkb-state", "busy");
      engine.search(query, 10).then(function (result) {
        return engine.documents(result.hits.top).then(function (hits) {
          if (ticket !== current) return;
          list.textContent = "";
          hits.forEach(function (hit) { list.appendChild(resultItem(base, hit, result.parsed.words)); });
          meta.textContent = result.hits.total ? "找到 " + result.hits.total + " 条结果" +
            (result.hits.total > hits.length ? "，显示前 " + hits.length + " 条" : "") : "没有找到匹配的条款";
          root.setAttribute("data-pkb-state", "done");
        });
      }).catch(function (e) {
        if (ticket !== current) return;
        list.textContent = "";
        meta.textContent = e instanceof QueryError ? "检索式有误：" + e.message : "检索暂不可用：" + e.message;
        root.setAttribute("data-pkb-state", "done");
      });
    }

    input.addEventListener("focus", open);
    input.addEventListener("input", function () { show(input.value); });
    root.querySelector("form").addEventListener("submit", function (e) {
      e.preventDefault();
      var first = list.querySelector("a");
      if (first) location.href = first.href;
    });
    root.querySelector("form").addEventListener("reset", function () { setTimeout(function () { show(""); }, 0); });
    if (toggle) toggle.addEventListener("change", function () { if (toggle.checked) setTimeout(function () { input.focus(); }, 50); });
    document.addEventListener("keydown", function (e) {
      var typing = /input|textarea|select/i.test((document.activeElement || {}).tagName || "");
      if (!typing && (e.key === "/" || e.key === "s" || e.key === "f")) { e.preventDefault(); open(); input.focus(); }
      if (e.key === "Escape" && toggle && toggle.checked) { toggle.checked = false; input.blur(); }
    });
    window.policykbSearch = { engine: engine, show: show, queryLeaves: queryLeaves, snippet: snippet };
    markTarget();
  }

  /* On a page opened from a result (?h=words), mark the words inside the target clause. */
  function markTarget() {
    var words = new URLSearchParams(location.search).get("h");
    if (!words || !location.hash) return;
    var target = document.getElementById(decodeURIComponent(location.hash.slice(1)));
    if (!target) return;
    var scope = target.closest("li, p, h1, h2, h3, h4, h5, h6, tr, dt, dd, section, div") || target;
    var parts = words.split(" ").filter(Boolean);
    var walker = document.createTreeWalker(scope, NodeFilter.SHOW_TEXT), nodes = [];
    while (walker.nextNode()) nodes.push(walker.currentNode);
    nodes.forEach(function (node) {
      var spans = highlightSpans(node.nodeValue, parts);
      if (!spans.length) return;
      var frag = document.createDocumentFragment(), pos = 0, text = node.nodeValue;
      spans.forEach(function (s) {
        frag.appendChild(document.createTextNode(text.slice(pos, s[0])));
        frag.appendChild(el("mark", "pkb-search__hit", text.slice(s[0], s[1])));
        pos = s[1];
      });
      frag.appendChild(document.createTextNode(text.slice(pos)));
      node.parentNode.replaceChild(frag, node);
    });
  }

  var css = document.createElement("link");
  css.rel = "stylesheet";
  css.href = new URL("assets/search/search.css", siteBase()).href;
  document.head.appendChild(css);
  function start() {
    // Material's instant navigation announces each new page on document$; plain loads do not.
    if (window.document$ && typeof window.document$.subscribe === "function") window.document$.subscribe(mount);
    else mount();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start); else start();
})();
