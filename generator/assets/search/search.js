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

  /* The ranked hits for a query: {total, exact, top: [{docnum, score, members}]} and the parsed query. */
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
              var state = new TopK(self, postings, filterIds, limit);
              var tree = queryTree(plan, tags, state);
              return state.run(tree).then(function (hits) { return { parsed: parsed, hits: hits }; });
            });
          });
        });
    });
  };

  // ------------------------------------------------------------------ ranking (search.whoosh_query)

  /* One postings list as far as it has been read: clause → score for the blocks fetched, and
   * ``rest``, the highest score any clause not yet read can have in it (null once read to the end). */
  function PostingList(key, entry, state) {
    this.key = key;
    this.scores = new Map();
    this.next = 1;
    this.file = entry ? entry.n : undefined;
    this.starts = entry && entry.m ? entry.m : [];
    this.constant = entry ? entry.c : undefined;
    this.rest = null;
    this.members = null;  // every clause of the list (docnum order), once read: absence is then known
    if (entry) this.add(entry.p, state);
    this.rest = this.starts.length ? this.starts[0] : null;
  }
  /* A block written by site_search.BlockFiles._block: docnum×2 (+1: its group follows),
   * then its score in millionths (the first whole, the others as drops from the previous). */
  PostingList.prototype.add = function (text, state) {
    var at = { i: 0 }, micros = 0, first = true;
    while (at.i < text.length) {
      var head = vlq(text, at), d = Math.floor(head / 2);
      if (head % 2) state.groupOf.set(d, vlq(text, at));
      var v = vlq(text, at);
      micros = first ? v : micros - v;
      first = false;
      this.scores.set(d, micros / 1e6);
      state.seen.add(d);
    }
  };
  var VLQ = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_";
  var DIGIT = {};
  for (var k = 0; k < VLQ.length; k++) DIGIT[VLQ.charAt(k)] = k;
  /* site_search.vlq decoded: the integer starting at at.i (at.i moves past it). */
  function vlq(text, at) {
    var v = 0, scale = 1, c;
    while ((c = DIGIT[text.charAt(at.i++)]) >= 32) { v += (c - 32) * scale; scale *= 32; }
    return v + c * scale;
  }
  /* site_search.membership decoded: ascending docnums from their gaps. */
  function members(text) {
    var out = new Set(), prev = -1, at = { i: 0 };
    while (at.i < text.length) { prev += vlq(text, at) + 1; out.add(prev); }
    return out;
  }
  /* Read more of the list: its next block (the first file of a list also brings its members,
   * which settle every clause that lacks the term). */
  PostingList.prototype.more = function (state) {
    var self = this, n = this.next;
    return state.engine.json("blk/" + this.file + "-" + n + ".json").then(function (got) {
      if (n === 1) {
        self.members = members(got[0]);
        self.members.forEach(function (d) { state.seen.add(d); });
        got = got[1];
      }
      self.add(got, state);
      self.next = n + 1;
      self.rest = n < self.starts.length ? self.starts[n] : null;
      if (self.members !== null && self.constant !== undefined) {
        // One score for every clause (a tag: no length normalisation): the list is known whole.
        self.members.forEach(function (d) { self.scores.set(d, self.constant); });
        self.rest = null;
      }
    });
  };

  /* The query as a tree over postings lists, as search.whoosh_query builds it for Whoosh:
   * "and" adds its parts and needs all; "or" adds the parts that match; "max" takes the best
   * (search.best_of). A Han word is Or(word, And(its bigrams)) (search.leaf_query). */
  function queryTree(plan, tags, state) {
    function term(key) { return { op: "term", list: state.list(key) }; }
    function leafNode(leaf) {
      var keys = leafKeys(leaf);
      if (keys.length === 1) return term(keys[0]);
      return { op: "or", kids: [term(keys[0]), { op: "and", kids: keys.slice(1).map(term) }] };
    }
    function best(nodes) { return !nodes.length ? null : nodes.length === 1 ? nodes[0] : { op: "max", kids: nodes }; }
    var words = [];
    for (var i = 0; i < plan.length; i++) {
      var spellings = plan[i].filter(function (leaves) { return leaves.length; }).map(function (leaves) {
        return { op: "and", kids: leaves.map(leafNode) };
      });
      var parts = [best(spellings), best(tags[i].map(function (t) { return term("t\t" + t); }))].filter(Boolean);
      if (!parts.length) return null;
      words.push(parts.length === 1 ? parts[0] : { op: "or", kids: parts });
    }
    return words.length === 1 ? words[0] : { op: "and", kids: words };
  }

  var NO = null;  // a clause that certainly does not match

  /* What is known of one clause under a node: NO, or {hi: the best score it can still reach,
   * done: whether that score is final}. Scores are added in the order Whoosh's matchers (and
   * the former full-list ranking) add them, so a final score is the same number. */
  function evaluate(node, d, state) {
    if (node.op === "term") {
      var list = node.list;
      var s = list.scores.get(d);
      if (s !== undefined) return { hi: s, done: true };
      if (list.rest === null) return NO;
      if (list.members !== null) {
        if (!list.members.has(d)) return NO;
        if (list.constant !== undefined) return { hi: list.constant, done: true };
      }
      return { hi: list.rest, done: false };
    }
    var kids = node.kids, acc, done = true, any = false, i, r;
    if (node.op === "and") {
      for (i = 0; i < kids.length; i++) {
        r = evaluate(kids[i], d, state);
        if (r === NO) return NO;
        acc = i === 0 ? r.hi : acc + r.hi;
        done = done && r.done;
      }
      return { hi: acc, done: done };
    }
    for (i = 0; i < kids.length; i++) {
      r = evaluate(kids[i], d, state);
      if (r === NO) continue;
      if (!any) acc = r.hi; else acc = node.op === "or" ? acc + r.hi : Math.max(acc, r.hi);
      any = true;
      done = done && r.done;
    }
    return any ? { hi: acc, done: done } : NO;
  }

  function rounded(score) { return Math.round(score * 1e4); }
  /* search.py's order: rounded score descending, then docnum. */
  function before(sa, da, sb, db) { var ra = rounded(sa), rb = rounded(sb); return ra > rb || (ra === rb && da < db); }

  /* Exact top-k over impact-ordered blocks: read the next block of a list only while some
   * clause not fully known could still change the best ``limit`` answers (or which identical
   * clauses they show), so the answers equal those of the full lists. */
  function TopK(engine, postings, filterIds, limit) {
    this.engine = engine;
    this.postings = postings;
    this.limit = limit;
    this.lists = new Map();
    this.seen = new Set();
    this.groupOf = new Map();   // clause → group of identical clauses
    this.groups = new Map();    // group → {m: members, h: what 同见 shows of each}
    var allowed = null;
    Object.keys(filterIds).forEach(function (k) {
      var ids = new Set(postings["f\t" + k + "\t" + filterIds[k]] || []);
      allowed = allowed === null ? ids : new Set(Array.from(allowed).filter(function (d) { return ids.has(d); }));
    });
    this.allowed = allowed;
  }
  TopK.prototype.list = function (key) {
    if (!this.lists.has(key)) this.lists.set(key, new PostingList(key, this.postings[key], this));
    return this.lists.get(key);
  };
  TopK.prototype.group = function (g) {
    var self = this;
    return this.engine.json("grp/" + g + ".json").then(function (data) {
      self.groups.set(g, data);
      data.m.forEach(function (d) { self.groupOf.set(d, g); self.seen.add(d); });
    });
  };
  TopK.prototype.run = function (tree) {
    var self = this;
    if (tree === null) return Promise.resolve({ total: 0, exact: true, top: [] });
    function step() {
      var need = self.assess(tree);
      if (need.result) return Promise.resolve(need.result);
      if (need.groups.length) return Promise.all(need.groups.map(function (g) { return self.group(g); })).then(step);
      return need.list.more(self).then(step);
    }
    return step();
  };
  /* One look at what is known: the answers if they are settled, else what to read next. */
  TopK.prototype.assess = function (tree) {
    var self = this, known = [], open = [];
    this.seen.forEach(function (d) {
      if (self.allowed !== null && !self.allowed.has(d)) return;
      var r = evaluate(tree, d, self);
      if (r === NO) return;
      if (r.done) known.push({ docnum: d, score: r.hi }); else open.push({ docnum: d, hi: r.hi });
    });
    var unseen = evaluate(tree, -1, this);
    known.sort(function (a, b) { return before(a.score, a.docnum, b.score, b.docnum) ? -1 : 1; });
    var answers = collapse(known, this.groupOf), top = answers.slice(0, this.limit);
    var last = top.length === this.limit ? top[top.length - 1] : null;
    var inTop = new Map();
    top.forEach(function (a) { inTop.set(self.unit(a.docnum), a); });
    var blockers = [], missing = [];
    // An unseen clause could still enter: keep reading (its docnum is unknown, so ties block too).
    var unseenOpen = unseen !== NO && (last === null || rounded(unseen.hi) >= rounded(last.score));
    open.forEach(function (c) {
      var a = inTop.get(self.unit(c.docnum));
      // A member of a shown group must be known (it is shown, or changes which one is);
      // anything else matters while it could still outrank the last answer.
      if (a || last === null || before(c.hi, c.docnum, last.score, last.docnum)) blockers.push(c.docnum);
    });
    top.forEach(function (a) {
      var g = self.groupOf.get(a.docnum);
      if (g !== undefined && !self.groups.has(g)) missing.push(g);
    });
    if (missing.length) return { groups: missing };
    if (!unseenOpen && !blockers.length) {
      var exact = unseen === NO && !open.length;
      return { result: { total: answers.length, exact: exact, top: top.map(function (a) { return self.shown(a); }) } };
    }
    var pick = null;
    this.lists.forEach(function (list) {
      if (list.rest === null) return;
      var useful = unseenOpen || blockers.some(function (d) {
        var r = evaluate({ op: "term", list: list }, d, self);
        return r !== NO && !r.done;
      });
      if (useful && (pick === null || list.rest > pick.rest)) pick = list;
    });
    if (pick === null) throw new Error("检索数据不完整");  // every list read to the end leaves nothing open
    return { groups: [], list: pick };
  };
  TopK.prototype.unit = function (d) {
    var g = this.groupOf.get(d);
    return g === undefined ? "d" + d : "g" + g;
  };
  /* An answer as the page shows it: the first of its group that matched, the others under 同见. */
  TopK.prototype.shown = function (a) {
    var g = this.groupOf.get(a.docnum);
    if (g === undefined) return { docnum: a.docnum, score: a.score, members: [a.docnum] };
    var group = this.groups.get(g), matched = new Set(a.members);
    var members = group.m.filter(function (d) { return matched.has(d); });
    return { docnum: members[0], score: a.score, members: members, heads: group.m.reduce(function (o, d, i) { o[d] = group.h[i]; return o; }, {}) };
  };

  /* search.collapse: identical clauses are one answer, at the rank of the best of them. */
  function collapse(hits, groupOf) {
    var out = [], at = new Map();
    hits.forEach(function (h) {
      var g = groupOf.get(h.docnum);
      if (g === undefined) { out.push({ docnum: h.docnum, score: h.score, members: [h.docnum] }); return; }
      if (at.has(g)) { out[at.get(g)].members.push(h.docnum); return; }
      at.set(g, out.length);
      out.push({ docnum: h.docnum, score: h.score, members: [h.docnum] });
    });
    return out;
  }

  Engine.prototype.documents = function (hits) {
    var self = this, size = this.meta.docChunk, chunks = {};
    hits.forEach(function (h) { chunks[Math.floor(h.docnum / size)] = 1; });
    return Promise.all(Object.keys(chunks).map(function (c) {
      return self.json("docs/" + c + ".json").then(function (rows) { return [Number(c), rows]; });
    })).then(function (got) {
      var rows = {};
      got.forEach(function (g) { g[1].forEach(function (row, i) { rows[g[0] * size + i] = row; }); });
      return hits.map(function (h) {
        var r = rows[h.docnum];
        var shown = { id: r[0], kind: r[1], title: r[2], heading: r[3], number: r[4], url: r[5], text: r[6], year: r[7] || "", score: h.score, docnum: h.docnum };
        shown.also = h.members.slice(1).map(function (d) {
          var head = h.heads[d], id = head[0], url = head[3];
          // site_search._head: [prefix] stands for prefix + the id with "#" as "/#" (or + "/").
          if (Array.isArray(url)) url = url[0] + (id.indexOf("#") >= 0 ? id.replace("#", "/#") : id + "/");
          return { id: id, title: head[1], number: head[2], url: url, year: head[4] || "", score: h.score, docnum: d };
        });
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
          // Reading stops once the best answers are settled, so the count may be a lower bound.
          meta.textContent = result.hits.total ? "找到 " + result.hits.total + " 条" + (result.hits.exact ? "" : "以上") + "结果" +
            (result.hits.total > hits.length || !result.hits.exact ? "，显示前 " + hits.length + " 条" : "") : "没有找到匹配的条款";
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
