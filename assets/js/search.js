/* Minutebook search: runs the prebuilt lunr indexes in the browser.
 *
 * The manifest lists the shards: a directory of people, topics and committees, then one
 * shard per year, newest first. The directory and the newest year load with the page;
 * older years load one at a time while a query is typed, and results grow as they arrive.
 * Whatever is typed is turned into plain terms, never handed to lunr's query parser, so
 * no input can break the search. Results are built from DOM nodes and textContent only:
 * neither the query nor the archive's text is ever parsed as HTML.
 */
(function () {
  "use strict";

  var form = document.getElementById("search-form");
  if (!form || !window.lunr || !window.fetch || !window.URLSearchParams) {
    return;
  }
  var input = document.getElementById("search-q");
  var statusBox = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var moreButton = document.getElementById("search-more");
  var noResults = document.getElementById("search-no-results");
  var selects = {
    committee: document.getElementById("search-committee"),
    year: document.getElementById("search-year"),
    person: document.getElementById("search-person"),
    topic: document.getElementById("search-topic"),
    sort: document.getElementById("search-sort")
  };
  var FACETS = ["committee", "year", "person", "topic"];
  var PAGE_SIZE = 20;
  var KINDS = { item: "Agenda item", meeting: "Meeting", person: "Person", topic: "Topic", committee: "Committee" };
  var MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December"];

  var manifest = null;
  var loaded = {};        // shard name -> {name, index, docs}
  var order = [];         // shard names in load order
  var loading = null;     // name of the shard being fetched
  var failed = false;
  var shown = PAGE_SIZE;
  var announceTimer = null;
  var typing = false;     // the history entry holds what is being typed: keystrokes replace it

  document.getElementById("search-noscript").hidden = true;
  document.getElementById("search-filters").hidden = false;

  // --- the query: plain terms, stemmed exactly as the index was -------------------------

  function termsOf(text) {
    var cleaned = text.replace(/[:^~*+\-"“”()[\]{}<>\\/.,;!?=&|@#$%`]/g, " ");
    var terms = [];
    var seen = {};
    window.lunr.tokenizer(cleaned).forEach(function (token) {
      var trimmed = window.lunr.trimmer(token);
      if (!trimmed || !trimmed.toString() || !window.lunr.stopWordFilter(trimmed)) {
        return;
      }
      var word = trimmed.toString();
      if (seen[word]) {
        return;
      }
      seen[word] = true;
      terms.push({ text: word, stem: window.lunr.stemmer(trimmed.clone()).toString() });
    });
    return terms;
  }

  function matchesTerm(indexTerm, term) {
    return indexTerm === term.stem || (term.text.length > 1 && indexTerm.indexOf(term.text) === 0);
  }

  function searchShard(shard, terms) {
    var hits;
    try {
      hits = shard.index.query(function (query) {
        terms.forEach(function (term) {
          query.term(term.text, { usePipeline: true, boost: 10 });
          if (term.text.length > 1) {
            query.term(term.text, { usePipeline: false, wildcard: window.lunr.Query.wildcard.TRAILING });
          }
        });
      });
    } catch (error) {
      return [];
    }
    return hits.map(function (hit) {
      var matched = Object.keys(hit.matchData.metadata);
      var all = terms.every(function (term) {
        return matched.some(function (indexTerm) { return matchesTerm(indexTerm, term); });
      });
      return { ref: hit.ref, score: hit.score, all: all, doc: shard.docs[hit.ref], year: shard.name };
    });
  }

  // --- state in the URL ------------------------------------------------------------------

  function readUrl() {
    var params = new URLSearchParams(window.location.search);
    input.value = params.get("q") || "";
    FACETS.concat(["sort"]).forEach(function (name) {
      var value = params.get(name) || "";
      ensureOption(selects[name], value, value);
      selects[name].value = value;
    });
    shown = PAGE_SIZE;
  }

  function writeUrl(push) {
    var params = new URLSearchParams();
    if (input.value.trim()) {
      params.set("q", input.value.trim());
    }
    FACETS.concat(["sort"]).forEach(function (name) {
      if (selects[name].value) {
        params.set(name, selects[name].value);
      }
    });
    var query = params.toString();
    var url = window.location.pathname + (query ? "?" + query : "");
    if (url !== window.location.pathname + window.location.search) {
      window.history[push ? "pushState" : "replaceState"](null, "", url);
    }
  }

  // --- loading shards --------------------------------------------------------------------

  function wantedShards() {
    if (!manifest) {
      return [];
    }
    var year = selects.year.value;
    var names = manifest.shards.map(function (s) { return s.name; });
    if (year) {
      return names.filter(function (name) { return name === year || name === "directory"; });
    }
    if (!termsOf(input.value).length) {
      return names.slice(0, 2);  // the directory and the newest year, ready for the first keypress
    }
    return names;
  }

  function loadNext() {
    if (loading || failed) {
      return;
    }
    var next = wantedShards().filter(function (name) { return !loaded[name]; })[0];
    if (!next) {
      return;
    }
    var entry = manifest.shards.filter(function (s) { return s.name === next; })[0];
    loading = next;
    window.fetch(entry.url, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(response.status + " " + entry.url);
        }
        return response.json();
      })
      .then(function (data) {
        loaded[next] = { name: next, index: window.lunr.Index.load(data.index), docs: data.docs };
        order.push(next);
        loading = null;
        update();
        loadNext();
      })
      .catch(function () {
        loading = null;
        failed = true;
        update();
      });
  }

  // --- results ---------------------------------------------------------------------------

  function passes(result, ignore) {
    var doc = result.doc;
    var chosen = {
      committee: selects.committee.value, year: selects.year.value,
      person: selects.person.value, topic: selects.topic.value
    };
    return FACETS.every(function (name) {
      var value = chosen[name];
      if (!value || name === ignore) {
        return true;
      }
      if (name === "committee") { return doc.c === value; }
      if (name === "year") { return result.year === value; }
      if (name === "person") { return (doc.p || []).indexOf(value) >= 0; }
      return (doc.o || []).indexOf(value) >= 0;
    });
  }

  /* Search the loaded shards newest first, in slices of about 25 ms: the first results
   * show at once, older years follow without blocking typing. A newer keystroke cancels
   * the slices still to run. */
  var SLICE_MS = 25;
  var generation = 0;

  function update() {
    var run = ++generation;
    var terms = termsOf(input.value);
    var wanted = wantedShards();
    var names = terms.length ? order.filter(function (name) { return wanted.indexOf(name) >= 0; }) : [];
    var found = [];
    var next = 0;
    function slice() {
      if (run !== generation) {
        return;
      }
      var started = window.performance.now();
      while (next < names.length && (next === 0 || window.performance.now() - started < SLICE_MS)) {
        found = found.concat(searchShard(loaded[names[next]], terms));
        next++;
      }
      show(outcomeOf(terms, found, next < names.length));
      if (next < names.length) {
        window.setTimeout(slice, 0);
      }
    }
    slice();
  }

  function outcomeOf(terms, found, pending) {
    var complete = found.filter(function (r) { return r.all; });
    var partial = terms.length > 1 && !complete.length && found.length > 0;
    var pool = partial ? found : complete;
    var results = pool.filter(function (r) { return passes(r, null); });
    var byDate = selects.sort.value === "date";
    results.sort(function (a, b) {
      var da = a.doc.d || "";
      var db = b.doc.d || "";
      if (byDate && da !== db) { return da < db ? 1 : -1; }
      if (a.score !== b.score) { return b.score - a.score; }
      if (da !== db) { return da < db ? 1 : -1; }
      return a.doc.u < b.doc.u ? -1 : 1;
    });
    return { terms: terms, results: results, partial: partial, all: pool, pending: pending };
  }

  function show(outcome) {
    renderFacets(outcome.all);
    renderResults(outcome);
    announce(outcome);
  }

  function renderResults(outcome) {
    var fragment = document.createDocumentFragment();
    outcome.results.slice(0, shown).forEach(function (result) {
      fragment.appendChild(resultItem(result, outcome.terms));
    });
    list.replaceChildren(fragment);
    moreButton.hidden = outcome.results.length <= shown;
    noResults.hidden = !(outcome.terms.length && !outcome.results.length && !stillLoading() && !outcome.pending);
  }

  function resultItem(result, terms) {
    var doc = result.doc;
    var item = document.createElement("li");
    item.className = "mb-result";
    item.appendChild(paragraph("mb-result__kind", (KINDS[doc.k] || doc.k) + (doc.e ? " (not for publication)" : "")));
    var heading = document.createElement("h2");
    heading.className = "govuk-heading-s";
    var link = document.createElement("a");
    link.className = "govuk-link";
    link.href = doc.u;
    highlight(link, doc.t, terms, false);
    heading.appendChild(link);
    item.appendChild(heading);
    var meta = [];
    if (doc.k === "item" && doc.m) { meta.push(doc.m); }
    else {
      if (doc.c && manifest.committees[doc.c]) { meta.push(manifest.committees[doc.c]); }
      if (doc.d) { meta.push(longDate(doc.d)); }
    }
    if (meta.length) {
      item.appendChild(paragraph("mb-result__meta", meta.join(", ")));
    }
    if (doc.x) {
      var snippet = paragraph("mb-result__snippet", "");
      highlight(snippet, doc.x, terms, true);
      item.appendChild(snippet);
    }
    return item;
  }

  function paragraph(className, text) {
    var p = document.createElement("p");
    p.className = className;
    p.textContent = text;
    return p;
  }

  /* Append ``text`` to ``parent`` with matching words in <mark>; as a snippet, only a
   * window of words around the first match. Words are text nodes, never HTML. */
  var stems = new Map();

  function wordMatches(word, terms) {
    if (!stems.has(word)) {
      var token = window.lunr.trimmer(new window.lunr.Token(word.toLowerCase(), {}));
      var plain = token.toString();
      stems.set(word, plain ? [plain, window.lunr.stemmer(token.clone()).toString()] : null);
    }
    var known = stems.get(word);
    return Boolean(known) && terms.some(function (term) { return known[1] === term.stem || matchesTerm(known[0], term); });
  }

  function highlight(parent, text, terms, asSnippet) {
    var words = text.split(/(\s+)/);
    var start = 0;
    var end = words.length;
    if (asSnippet) {  // find the first match only, so long minutes cost no more than their opening
      var first = 0;
      while (first < words.length && !wordMatches(words[first], terms)) { first++; }
      start = first === words.length ? 0 : Math.max(0, first - 24);
      end = Math.min(words.length, start + 70);
      if (start > 0) { parent.appendChild(document.createTextNode("… ")); }
    }
    for (var i = start; i < end; i++) {
      if (wordMatches(words[i], terms)) {
        var mark = document.createElement("mark");
        mark.textContent = words[i];
        parent.appendChild(mark);
      } else {
        parent.appendChild(document.createTextNode(words[i]));
      }
    }
    if (asSnippet && end < words.length) { parent.appendChild(document.createTextNode(" …")); }
  }

  function renderFacets(pool) {
    var names = {
      committee: function (id) { return manifest && manifest.committees[id]; },
      person: function (id) { return manifest && manifest.people[id]; },
      topic: function (id) { return manifest && manifest.topics[id]; },
      year: function (id) { return id === "undated" ? "Undated" : id; }
    };
    FACETS.forEach(function (facet) {
      var counts = {};
      pool.forEach(function (result) {
        if (!passes(result, facet)) { return; }
        var doc = result.doc;
        var values = facet === "committee" ? [doc.c] : facet === "year" ? (doc.d !== undefined ? [result.year] : [])
          : facet === "person" ? doc.p || [] : doc.o || [];
        values.forEach(function (value) {
          if (value) { counts[value] = (counts[value] || 0) + 1; }
        });
      });
      var select = selects[facet];
      var current = select.value;
      var keys = Object.keys(counts);
      if (facet === "year") { keys.sort().reverse(); }
      else { keys.sort(function (a, b) { return counts[b] - counts[a] || (names[facet](a) || a).localeCompare(names[facet](b) || b); }); }
      while (select.options.length > 1) { select.remove(1); }
      keys.slice(0, 200).forEach(function (key) {
        select.add(new Option((names[facet](key) || key) + " (" + counts[key] + ")", key));
      });
      ensureOption(select, current, names[facet](current) || current);
      select.value = current;
    });
  }

  function ensureOption(select, value, label) {
    if (!value) { return; }
    for (var i = 0; i < select.options.length; i++) {
      if (select.options[i].value === value) { return; }
    }
    select.add(new Option(label || value, value));
  }

  function stillLoading() {
    return (!manifest && !failed) || Boolean(loading) || wantedShards().some(function (name) { return !loaded[name]; });
  }

  /* The status line is a live region: say the count once the answer settles, not at
   * every shard, so screen readers are not flooded. */
  function announce(outcome) {
    var query = input.value.trim();
    var message;
    if (failed) {
      message = "Search could not load. Check your connection and try again, or browse the archive instead.";
    } else if (!query) {
      message = "";
    } else if (!manifest) {
      message = "Loading the search index…";
    } else if (!outcome.terms.length) {
      message = "Type a word to search for: ‘" + query + "’ " + (/\w/.test(query) ?
        "has only common words, which are not searched." : "has no letters or numbers in it.");
    } else {
      var count = outcome.results.length;
      message = (count === 1 ? "1 result" : count + " results") + " for ‘" + query + "’";
      if (outcome.partial) { message += " (none has all your words; showing results with some of them)"; }
      if (stillLoading() || outcome.pending) { message += " so far; searching older meetings…"; }
    }
    window.clearTimeout(announceTimer);
    if (!message || !(stillLoading() || outcome.pending)) {
      statusBox.textContent = message;
    } else {
      announceTimer = window.setTimeout(function () { statusBox.textContent = message; }, 400);
    }
  }

  function longDate(iso) {
    var parts = iso.split("-");
    return Number(parts[2]) + " " + MONTHS[Number(parts[1]) - 1] + " " + parts[0];
  }

  // --- events ----------------------------------------------------------------------------

  input.addEventListener("input", function () {
    shown = PAGE_SIZE;
    writeUrl(!typing);  // a new query gets its own entry, so Back returns to the one before
    typing = true;
    update();
    loadNext();
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    shown = PAGE_SIZE;
    writeUrl(true);
    typing = false;
    update();
    loadNext();
  });
  FACETS.concat(["sort"]).forEach(function (name) {
    selects[name].addEventListener("change", function () {
      shown = PAGE_SIZE;
      writeUrl(true);
      typing = false;
      update();
      loadNext();
    });
  });
  moreButton.addEventListener("click", function () {
    var before = list.children.length;
    shown += PAGE_SIZE;
    update();
    var next = list.children[before];
    if (next) {
      var link = next.querySelector("a");
      if (link) { link.focus(); }
    }
  });
  window.addEventListener("popstate", function () {
    typing = false;
    readUrl();
    update();
    loadNext();
  });

  readUrl();
  statusBox.textContent = input.value.trim() ? "Loading the search index…" : "";
  window.fetch(form.getAttribute("data-manifest"), { credentials: "same-origin" })
    .then(function (response) {
      if (!response.ok) { throw new Error(String(response.status)); }
      return response.json();
    })
    .then(function (data) {
      manifest = data;
      manifest.shards.forEach(function (shard) {
        if (shard.name !== "directory") {
          ensureOption(selects.year, shard.name, shard.name === "undated" ? "Undated" : shard.name);
        }
      });
      loadNext();
    })
    .catch(function () {
      failed = true;
      update();
    });
}());
