/* Minutebook search: the page's side of search-engine.js.
 *
 * What is typed becomes a lunr query. Plain words ask for every word, each as typed
 * (stemmed) or as the start of a longer word, and fall back to some of the words when
 * no result has all of them. Input in lunr's query language (title:budget, +risk -brexit,
 * plan*, highways~1, risk^10) runs as lunr runs it; if lunr cannot parse it, its words
 * are searched as plain words, so no input can break the search. The engine fetches
 * only the dictionary buckets, postings and result records a query needs. Results are
 * built from DOM nodes and textContent only: neither the query nor the archive's text
 * is ever parsed as HTML.
 */
(function () {
  "use strict";

  var manifestData = document.getElementById("search-manifest");
  if (!manifestData || !window.lunr || !window.MinutebookSearch || !window.fetch || !window.URLSearchParams) {
    return;
  }
  var FACETS = ["committee", "year", "person", "topic"];
  var PAGE_SIZE = 10;
  var KINDS = { item: "Agenda item", meeting: "Meeting", person: "Person", topic: "Topic", committee: "Committee" };
  var MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December"];
  var LANGUAGE = /[:^~*]|(^|\s)[+-]\S/;  // lunr's query language: fields, boosts, fuzzy, wildcards, presence

  var engine = new window.MinutebookSearch.Engine(manifestData.getAttribute("data-url"), function (url) {
    return window.fetch(url, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok) { throw new Error(response.status + " " + url); }
      return response.json();
    });
  });
  var searches = Object.create(null);  // unfiltered searches by query and limit: the head start's is reused

  // This script is loaded async from the page's head, and render-blocking: it runs as soon as
  // it arrives, maybe before the form is parsed, and (in Chromium) before the page is first laid
  // out. The page's head holds the index's manifest, so the search in the address asks for its
  // words' files at once, not a task later; the page then shows it.
  var loading = engine.load(pageManifest());
  loading.then(headStart).catch(function () { /* the page's own load reports failures */ });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", page);
  } else {
    page();
  }

  /* The manifest as the page's head gives it; null (and it is fetched) if it cannot be read. */
  function pageManifest() {
    try {
      return JSON.parse(manifestData.textContent);
    } catch (error) {
      return null;
    }
  }

  function headStart() {
    var params = new URLSearchParams(window.location.search);
    var text = (params.get("q") || "").trim();
    var filtered = FACETS.concat(["sort"]).some(function (name) { return params.get(name); });
    var asked = text && !filtered ? queryOf(text) : null;
    if (asked && asked.terms.length && asked.query.clauses.length) {
      search(text, asked, asked.groups, PAGE_SIZE, null).then(function (outcome) {
        return engine.records(outcome.results.map(function (r) { return r.doc; }));
      }).catch(function () { /* searched again, and reported, once the page is there */ });
    }
  }

  // --- the query -------------------------------------------------------------------------

  /* The words typed, lower-cased, trimmed, without stop words, each with its stem. */
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

  /* {query, groups, terms}: lunr's parse of the input when it is written in lunr's
   * language, else every word as typed (boosted) or as a word beginning, all required. */
  function queryOf(text) {
    var terms = termsOf(text);
    if (LANGUAGE.test(text)) {
      try {
        var parsed = engine.parse(text);
        if (parsed.clauses.length) {
          return { query: parsed, groups: null, terms: terms, language: true };
        }
      } catch (error) {
        // not lunr's language after all ("item 5: risk"): search its words
      }
    }
    var query = new window.lunr.Query(engine.manifest.fields);
    var groups = [];
    terms.forEach(function (term) {
      var group = [query.clauses.length];
      query.term(term.text, { usePipeline: true, boost: 10 });
      if (term.text.length > 1) {
        group.push(query.clauses.length);
        query.term(term.text, { usePipeline: false, wildcard: window.lunr.Query.wildcard.TRAILING });
      }
      groups.push(group);
    });
    return { query: query, groups: groups, terms: terms, language: false };
  }

  /* The top ``limit`` results of a query; one without filters is kept, so the search the
   * head start ran is not run again when the page asks for it. ``certain(docs)``, if given,
   * hears of the results whose place is settled while the rest are still being worked out. */
  function search(text, asked, groups, limit, allowed, certain) {
    var key = text + "\u0000" + (groups ? "all" : "some") + "\u0000" + limit;
    var known = !allowed && searches[key];
    if (!known) {
      known = { fixed: [], listeners: [] };
      known.found = engine.plan(asked.query, groups).then(function (plan) {
        return engine.top(plan, limit, allowed || null, { ahead: true, progress: function (outcome) {
          if (outcome.fixed.length > known.fixed.length) {
            known.fixed = outcome.fixed;
            known.listeners.forEach(function (listener) { listener(known.fixed); });
          }
        } });
      });
      known.found.then(function () { known.listeners = []; }, function () {
        known.listeners = [];
        if (searches[key] === known) { delete searches[key]; }
      });
      if (!allowed) { searches[key] = known; }
    }
    if (certain) {
      known.listeners.push(certain);
      if (known.fixed.length) { certain(known.fixed); }
    }
    return known.found;
  }

  // --- the page --------------------------------------------------------------------------

  function page() {
    var form = document.getElementById("search-form");
    if (!form) {
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
    var ready = false;
    var failed = false;
    var names = null;       // people and topics for the filters, fetched when first wanted
    var shown = PAGE_SIZE;
    var generation = 0;
    var announceTimer = null;
    var typing = false;     // the history entry holds what is being typed: keystrokes replace it

    document.getElementById("search-noscript").hidden = true;
    document.getElementById("search-filters").hidden = false;

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

    // --- filters ---------------------------------------------------------------------------

    /* A function(doc) -> bool for the chosen filters, once their lists are fetched. */
    function allowedFor() {
      var checks = [];
      var waits = [];
      if (selects.year.value) {
        var range = engine.yearRange(selects.year.value);
        checks.push(function (doc) { return doc >= range[0] && doc < range[1]; });
      }
      [["committee", "c"], ["person", "p"], ["topic", "o"]].forEach(function (pair) {
        if (selects[pair[0]].value) {
          waits.push(engine.filterSet(pair[1], selects[pair[0]].value));
        }
      });
      return Promise.all(waits).then(function (sets) {
        sets.forEach(function (docs) { checks.push(function (doc) { return docs.has(doc); }); });
        if (!checks.length) { return null; }
        return function (doc) { return checks.every(function (check) { return check(doc); }); };
      });
    }

    function loadNames() {
      if (!names) {
        names = engine.get("names.json").then(function (data) {
          [["person", data.people], ["topic", data.topics]].forEach(function (pair) {
            var select = selects[pair[0]];
            var current = select.value;
            while (select.options.length > 1) { select.remove(1); }
            pair[1].forEach(function (row) { select.add(new Option(row[1], row[0])); });
            var chosen = pair[1].filter(function (row) { return row[0] === current; })[0];
            ensureOption(select, current, chosen ? chosen[1] : current);
            select.value = current;
          });
          return data;
        });
      }
      return names;
    }

    function fillFixedFilters() {
      addOptions(selects.committee, engine.manifest.committees);
      addOptions(selects.year, engine.manifest.years.slice().reverse().map(function (entry) {
        return [entry[0], entry[0] === "undated" ? "Undated" : entry[0]];
      }));
    }

    /* [value, label] pairs as options of a select, after those it has, in one change of the
     * page (the one the address chose keeps its place, with its proper label). */
    function addOptions(select, pairs) {
      var current = select.value;
      var have = Object.create(null);
      Array.prototype.forEach.call(select.options, function (option) { have[option.value] = option; });
      var fragment = document.createDocumentFragment();
      pairs.forEach(function (pair) {
        if (have[pair[0]]) {
          have[pair[0]].textContent = pair[1];
        } else {
          fragment.appendChild(new Option(pair[1], pair[0]));
        }
      });
      select.appendChild(fragment);
      select.value = current;
    }

    // --- searching -------------------------------------------------------------------------

    function update() {
      var run = ++generation;
      var text = input.value.trim();
      if (!ready) {
        announce(failed ? "failed" : text ? "loading" : "", null);
        return;
      }
      var asked = queryOf(text);
      if (!asked.terms.length || !asked.query.clauses.length) {
        list.replaceChildren();
        moreButton.hidden = true;
        noResults.hidden = true;
        announce(text ? "nothing" : "", null);
        return;
      }
      var byDate = selects.sort.value === "date";
      var limit = byDate ? Infinity : shown;
      var early = !byDate && !list.firstChild ? earlyResults(run, asked) : null;
      announce("working", null);
      allowedFor()
        .then(function (allowed) {
          var certain = early && early.add;
          return search(text, asked, asked.groups, limit, allowed, certain).then(function (outcome) {
            if (outcome.total || !asked.groups || asked.groups.length < 2 || !outcome.complete) {
              return outcome;
            }
            return search(text, asked, null, limit, allowed, certain).then(function (some) {  // none has every word
              some.partial = some.total > 0;
              return some;
            });
          });
        })
        .then(function (outcome) {
          if (run !== generation) { return null; }
          var results = outcome.results;
          if (byDate) {  // documents run oldest first: the highest ids are the newest meetings
            var directory = engine.manifest.directory;
            results = results.slice().sort(function (a, b) {
              return (b.doc < directory ? b.doc : -1) - (a.doc < directory ? a.doc : -1);
            }).slice(0, shown);
          }
          return engine.records(results.map(function (r) { return r.doc; })).then(function (records) {
            if (run !== generation) { return; }
            if (byDate) {  // one meeting's items in their order of merit
              var order = results.map(function (r, i) { return [records[i].d || "", r.score, i]; });
              order.sort(function (a, b) { return a[0] !== b[0] ? (a[0] < b[0] ? 1 : -1) : b[1] - a[1] || a[2] - b[2]; });
              records = order.map(function (o) { return records[o[2]]; });
            }
            if (early) { early.stop(); }
            show(asked, outcome, records, early);
          });
        })
        .catch(function () {
          if (run !== generation) { return; }
          failed = true;
          announce("failed", null);
        });
    }

    // --- results ---------------------------------------------------------------------------

    /* Into an empty list (the page just opened), each result goes in as soon as no other
     * document can take its place and its record is in, those above it first: the best are
     * there to read while the rest are worked out. A list already showing results is
     * replaced all at once instead, so typing never makes it shrink and grow. */
    function earlyResults(run, asked) {
      var taken = 0;
      var stopped = false;
      var early = { shown: 0 };
      var chain = Promise.resolve();
      early.add = function (docs) {
        docs.slice(taken).forEach(function (doc) {
          var record = engine.records([doc]);
          chain = chain.then(function () { return record; }).then(function (found) {
            if (stopped || run !== generation) { return; }
            list.appendChild(resultItem(found[0], asked.terms));
            early.shown += 1;
            noResults.hidden = true;
          });
        });
        taken = Math.max(taken, docs.length);
        chain = chain.catch(function () { stopped = true; });  // the whole answer shows them, or says it failed
      };
      early.stop = function () { stopped = true; };
      return early;
    }

    /* The answer; the ``early`` results already shown stay where they are: they are the
     * first of these. */
    function show(asked, outcome, records, early) {
      var kept = 0;
      while (early && kept < early.shown && kept < records.length &&
             list.children[kept].querySelector("a").getAttribute("href") === records[kept].u) {
        kept++;
      }
      while (list.children.length > kept) { list.removeChild(list.lastChild); }
      var fragment = document.createDocumentFragment();
      records.slice(kept).forEach(function (record) {
        fragment.appendChild(resultItem(record, asked.terms));
      });
      list.appendChild(fragment);
      moreButton.hidden = outcome.complete ? outcome.total <= shown : false;
      noResults.hidden = records.length > 0;
      announce("done", outcome);
    }

    function resultItem(doc, terms) {
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
        var committee = engine.manifest.committees.filter(function (pair) { return pair[0] === doc.c; })[0];
        if (committee) { meta.push(committee[1]); }
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

    function matchesTerm(indexTerm, term) {
      return indexTerm === term.stem || (term.text.length > 1 && indexTerm.indexOf(term.text) === 0);
    }

    /* Could ``word`` match at all? Its stem starts like the word, so a word that begins with
     * none of the terms' first letters need not be stemmed: long minutes are scanned quickly. */
    function mayMatch(word, terms) {
      var lower = word.toLowerCase().replace(/^\W+/, "");
      return terms.some(function (term) {
        var start = term.stem.slice(0, 2);
        return lower.lastIndexOf(start, 0) === 0 || lower.lastIndexOf(term.text.slice(0, 2), 0) === 0;
      });
    }

    function wordMatches(word, terms) {
      if (!mayMatch(word, terms)) {
        return false;
      }
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

    function ensureOption(select, value, label) {
      if (!value) { return; }
      for (var i = 0; i < select.options.length; i++) {
        if (select.options[i].value === value) { return; }
      }
      select.add(new Option(label || value, value));
    }

    /* The status line is a live region: say the count once the answer is in, not while
     * it is being worked out, so screen readers are not flooded. */
    function announce(state, outcome) {
      var query = input.value.trim();
      var message = "";
      if (state === "failed") {
        message = "Search could not load. Check your connection and try again, or browse the archive instead.";
      } else if (state === "nothing") {
        message = "Type a word to search for: ‘" + query + "’ " + (/\w/.test(query) ?
          "has only common words, which are not searched." : "has no letters or numbers in it.");
      } else if (state === "working" || state === "loading") {  // said only if it takes a while
        var waiting = state === "working" ? "Searching…" : "Loading the search index…";
        window.clearTimeout(announceTimer);
        announceTimer = window.setTimeout(function () { statusBox.textContent = waiting; }, 400);
        return;
      } else if (state === "done") {
        var count = outcome.total;
        var counted = count === 1 ? "1 result" : count + " results";
        message = (outcome.complete ? counted : "At least " + counted) + " for ‘" + query + "’";
        if (!outcome.complete) { message += ", best first"; }
        if (outcome.partial) { message += " (none has all your words; showing results with some of them)"; }
      }
      window.clearTimeout(announceTimer);
      statusBox.textContent = message;
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
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      shown = PAGE_SIZE;
      writeUrl(true);
      typing = false;
      update();
    });
    FACETS.concat(["sort"]).forEach(function (name) {
      selects[name].addEventListener("change", function () {
        shown = PAGE_SIZE;
        writeUrl(true);
        typing = false;
        update();
      });
    });
    ["focusin", "pointerdown"].forEach(function (type) {  // the person and topic lists, when first wanted
      document.getElementById("search-filters").addEventListener(type, function () {
        loading.then(loadNames).catch(function () { /* the filters keep their first option */ });
      });
    });
    moreButton.addEventListener("click", function () {
      var before = list.children.length;
      shown += PAGE_SIZE;
      update();
      var wait = new MutationObserver(function () {
        var next = list.children[before];
        if (next) {
          wait.disconnect();
          var link = next.querySelector("a");
          if (link) { link.focus(); }
        }
      });
      wait.observe(list, { childList: true });
    });
    window.addEventListener("popstate", function () {
      typing = false;
      readUrl();
      update();
    });

    readUrl();
    update();
    loading
      .then(function () {
        ready = true;
        update();  // the search in the address is already under way: the filters' lists can wait
        fillFixedFilters();
        if (selects.person.value || selects.topic.value) { loadNames(); }
      })
      .catch(function () {
        failed = true;
        update();
      });
  }
}());
