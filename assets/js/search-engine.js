/* Minutebook's search engine: lunr.js 2.3.9's query language and scoring, over an index
 * split into files so that a query fetches only what it needs.
 *
 * The build (minutebook/search.py) writes lunr's own field-vector weights as postings,
 * each term's ranked best-first in tiers. A query fetches the dictionary bucket of each
 * of its words (with the best postings), then further tiers only while a document it
 * has not seen could still beat the results it has: the top results it returns are
 * exactly lunr.Index.query's. It fetches what a result shows only for the results shown.
 *
 * Runs in the browser (window.MinutebookSearch) and in Node for the parity tests
 * (module.exports, called with lunr). Nothing here touches the DOM.
 */
(function (root, factory) {
  if (typeof module === "object" && module.exports) {
    module.exports = factory;
  } else {
    root.MinutebookSearch = factory(root.lunr);
  }
}(this, function (lunr) {
  "use strict";

  var REQUIRED = lunr.Query.presence.REQUIRED;
  var PROHIBITED = lunr.Query.presence.PROHIBITED;

  /* An index at ``base`` (the folder of manifest.json); ``fetchJson(url)`` returns a
   * promise of the parsed file. Every file is fetched once and kept. */
  function Engine(manifestUrl, fetchJson) {
    this.base = manifestUrl.slice(0, manifestUrl.lastIndexOf("/") + 1);
    this.fetchJson = fetchJson;
    this.files = Object.create(null);
    this.manifest = null;
    this.terms = Object.create(null);  // term -> entry from its dictionary bucket
    this.pipeline = new lunr.Pipeline();
    this.pipeline.add(lunr.stemmer);  // the index's search pipeline
  }

  Engine.prototype.get = function (path) {
    var engine = this;
    if (!this.files[path]) {
      this.files[path] = this.fetchJson(this.base + path).catch(function (error) {
        delete engine.files[path];
        throw error;
      });
    }
    return this.files[path];
  };

  Engine.prototype.load = function () {
    var engine = this;
    return this.get("manifest.json").then(function (manifest) {
      engine.manifest = manifest;
      return manifest;
    });
  };

  /* A lunr.Query from what was typed, as lunr.Index.search makes it; throws
   * lunr.QueryParseError as lunr does. */
  Engine.prototype.parse = function (text) {
    var query = new lunr.Query(this.manifest.fields);
    new lunr.QueryParser(text, query).parse();
    return query;
  };

  // --- the dictionary ---------------------------------------------------------------------

  Engine.prototype.bucketOf = function (term) {
    var starts = this.manifest.buckets;
    var low = 0;
    var high = starts.length - 1;
    while (low < high) {  // the last bucket starting at or before the term
      var middle = (low + high + 1) >> 1;
      if (starts[middle] <= term) { low = middle; } else { high = middle - 1; }
    }
    return low;
  };

  Engine.prototype.loadBuckets = function (numbers) {
    var engine = this;
    return Promise.all(numbers.map(function (n) {
      return engine.get("t/" + n + ".json").then(function (entries) {
        entries.forEach(function (entry) {
          if (!engine.terms[entry[0]]) {
            engine.terms[entry[0]] = {
              term: entry[0], id: entry[1], documents: entry[2], rest: entry[4],
              loaded: 0, postings: decode(entry[3], new Map(), engine.manifest.fields.length)
            };
          }
        });
        return entries.map(function (entry) { return entry[0]; });
      });
    }));
  };

  /* Every index term a clause can mean, as lunr's TokenSet.intersect finds them. Exact
   * words and trailing wildcards need only their own buckets; other wildcards and fuzzy
   * matches read the whole dictionary once. */
  Engine.prototype.expand = function (clause) {
    var engine = this;
    var term = clause.term;
    var star = term.indexOf("*");
    var buckets;
    var prefix = term.slice(0, -1);
    if (star < 0 && !clause.editDistance) {
      buckets = [this.bucketOf(term)];
    } else if (star === term.length - 1 && star > 0 && !clause.editDistance) {
      var first = this.bucketOf(prefix);
      var last = this.bucketOf(prefix + "\uffff");
      buckets = [];
      for (var n = first; n <= last; n++) { buckets.push(n); }
    } else {
      buckets = this.manifest.buckets.map(function (_, n) { return n; });
    }
    return this.loadBuckets(buckets).then(function (lists) {
      var candidates = [].concat.apply([], lists);
      if (star < 0 && !clause.editDistance) {  // the word itself, if the index has it
        return engine.terms[term] ? [term] : [];
      }
      if (star === term.length - 1 && star > 0 && !clause.editDistance) {  // what TokenSet makes of "word*"
        return candidates.filter(function (known) { return known.lastIndexOf(prefix, 0) === 0; }).sort();
      }
      var known = lunr.TokenSet.fromArray(candidates.sort());
      return known.intersect(lunr.TokenSet.fromClause(clause)).toArray();
    });
  };

  Engine.prototype.loadTier = function (entry) {
    var tier = entry.rest[entry.loaded];
    var width = this.manifest.fields.length;
    entry.loaded += 1;
    return this.get("p/" + entry.id + "-" + tier[0] + ".json").then(function (numbers) {
      decode(numbers, entry.postings, width);
    });
  };

  function decode(numbers, into, width) {
    var doc = 0;
    var i = 0;
    while (i < numbers.length) {
      doc += numbers[i];
      var mask = numbers[i + 1];
      i += 2;
      var weights = new Array(width).fill(0);
      for (var f = 0; f < width; f++) {
        if (mask & (1 << f)) { weights[f] = numbers[i++] / 1000; }
      }
      weights.mask = mask;
      into.set(doc, weights);
    }
    return into;
  }

  // --- a query, planned as lunr.Index.query runs it ------------------------------------

  /* Each clause's expanded terms, the query vector per field, and which clauses a
   * document must or must not match. ``groups`` (optional) are lists of clause numbers
   * of which a document must match at least one each: "every word typed". */
  Engine.prototype.plan = function (query, groups) {
    var engine = this;
    var fields = this.manifest.fields;
    var clauses = query.clauses;
    return Promise.all(clauses.map(function (clause) {
      var terms = clause.usePipeline ? engine.pipeline.runString(clause.term, { fields: clause.fields }) : [clause.term];
      return Promise.all(terms.map(function (term) {
        var copy = Object.assign({}, clause, { term: term });
        return engine.expand(copy);
      }));
    })).then(function (expansions) {
      var vectors = fields.map(function () { return new Map(); });
      var plan = { clauses: [], vectors: vectors, norms: [], terms: new Map(), negated: query.isNegated(), empty: false };
      clauses.forEach(function (clause, c) {
        var fieldIds = clause.fields.map(function (name) { return fields.indexOf(name); });
        var expanded = [];
        for (var t = 0; t < expansions[c].length; t++) {
          if (!expansions[c][t].length && clause.presence === REQUIRED) {
            plan.empty = true;  // lunr: a required word not in the index matches nothing
            break;
          }
          expanded = expanded.concat(expansions[c][t]);
        }
        var entries = expanded.map(function (term) { return engine.terms[term]; });
        entries.forEach(function (entry) {
          plan.terms.set(entry.term, entry);
          if (clause.presence === PROHIBITED) { return; }
          fieldIds.forEach(function (f) {
            vectors[f].set(entry.term, (vectors[f].get(entry.term) || 0) + clause.boost);
          });
        });
        plan.clauses.push({ presence: clause.presence, fields: fieldIds, entries: entries });
      });
      plan.norms = vectors.map(function (vector) {
        var sum = 0;
        vector.forEach(function (value) { sum += value * value; });
        return Math.sqrt(sum);
      });
      plan.groups = (groups || []).map(function (numbers) {
        return numbers.map(function (n) { return plan.clauses[n]; });
      });
      plan.clauses.forEach(function (clause) {
        if (clause.presence === REQUIRED) { plan.groups.push([clause]); }
      });
      return plan;
    });
  };

  /* The top ``limit`` results of a plan: [{doc, score}], best first, exactly lunr's,
   * fetching further tiers until no unseen posting could change them. ``allowed`` is an
   * optional function(doc) -> bool (the filters). Resolves to {results, total, complete}:
   * total is exact when complete, else the number of documents known to match. */
  Engine.prototype.top = function (plan, limit, allowed) {
    var engine = this;
    var prohibitedFirst = [];
    plan.clauses.forEach(function (clause) {
      if (clause.presence === PROHIBITED) {
        clause.entries.forEach(function (entry) { prohibitedFirst.push(engine.loadAll(entry)); });
      }
    });
    if (plan.negated) {
      plan.terms.forEach(function (entry) { prohibitedFirst.push(engine.loadAll(entry)); });
    }
    return Promise.all(prohibitedFirst).then(function step() {
      var outcome = engine.rank(plan, limit, allowed);
      if (outcome.certain) { return outcome; }
      return Promise.all(outcome.wanted.map(function (entry) { return engine.loadTier(entry); })).then(step);
    });
  };

  Engine.prototype.loadAll = function (entry) {
    var engine = this;
    if (entry.loaded >= entry.rest.length) { return Promise.resolve(); }
    return Promise.all(entry.rest.slice(entry.loaded).map(function () { return engine.loadTier(entry); }));
  };

  function contains(entry, doc, fields) {
    var weights = entry.postings.get(doc);
    if (!weights) { return false; }
    for (var i = 0; i < fields.length; i++) {
      if (weights.mask & (1 << fields[i])) { return true; }
    }
    return false;
  }

  function complete(entry) {
    return entry.loaded >= entry.rest.length;
  }

  /* What the postings fetched so far prove. */
  Engine.prototype.rank = function (plan, limit, allowed) {
    var width = this.manifest.fields.length;
    var scoring = [];  // [entry, per-field coefficient] for terms in the query vectors
    plan.terms.forEach(function (entry) {
      var coefficients = plan.vectors.map(function (vector, f) {
        var boost = vector.get(entry.term) || 0;
        return boost && plan.norms[f] ? boost / plan.norms[f] : 0;
      });
      if (coefficients.some(function (c) { return c > 0; })) { scoring.push([entry, coefficients]); }
    });
    var prohibited = plan.clauses.filter(function (c) { return c.presence === PROHIBITED; });
    function excluded(doc) {
      return prohibited.some(function (clause) {
        return clause.entries.some(function (entry) { return contains(entry, doc, clause.fields); });
      });
    }
    /* true, false, or null when a tier not yet fetched could decide */
    function inGroup(doc, group) {
      var unknown = false;
      for (var i = 0; i < group.length; i++) {
        var clause = group[i];
        for (var j = 0; j < clause.entries.length; j++) {
          var entry = clause.entries[j];
          if (contains(entry, doc, clause.fields)) { return true; }
          if (!complete(entry)) { unknown = true; }
        }
      }
      return unknown ? null : false;
    }
    function most(entry, coefficients) {  // the most an unfetched posting of entry can add
      if (complete(entry)) { return 0; }
      var tier = entry.rest[entry.loaded];
      var byField = 0;
      var top = 0;
      for (var f = 0; f < width; f++) {
        byField += coefficients[f] * tier[2][f] / 1000;
        top = Math.max(top, coefficients[f]);
      }
      return Math.min(byField, top * tier[1] / 1000);
    }

    if (plan.empty) {
      return { certain: true, results: [], total: 0, complete: true, wanted: [] };
    }
    var seen = new Set();
    plan.clauses.forEach(function (clause) {
      if (clause.presence === PROHIBITED) { return; }
      clause.entries.forEach(function (entry) {
        entry.postings.forEach(function (weights, doc) {
          if (contains(entry, doc, clause.fields)) { seen.add(doc); }
        });
      });
    });
    if (plan.negated) {
      seen = new Set();
      for (var d = 0; d < this.manifest.documents; d++) { seen.add(d); }
    }
    var headroom = scoring.map(function (pair) { return most(pair[0], pair[1]); });
    var unseenMost = headroom.reduce(function (a, b) { return a + b; }, 0);
    var unseenPossible = plan.clauses.some(function (clause) {
      return clause.presence !== PROHIBITED && !clause.entries.every(complete);
    }) && !plan.negated;
    plan.groups.forEach(function (group) {  // a group fully fetched admits no document it has not listed
      if (group.every(function (clause) { return clause.entries.every(complete); })) { unseenPossible = false; }
    });
    var sure = [];
    var undecided = [];  // [best possible score, doc, groups it may fail]
    seen.forEach(function (doc) {
      if ((allowed && !allowed(doc)) || excluded(doc)) { return; }
      var pending = [];
      for (var g = 0; g < plan.groups.length; g++) {
        var verdict = inGroup(doc, plan.groups[g]);
        if (verdict === false) { return; }
        if (verdict === null) { pending.push(plan.groups[g]); }
      }
      var score = 0;
      var upper = 0;
      scoring.forEach(function (pair, i) {
        var weights = pair[0].postings.get(doc);
        if (weights) {
          for (var f = 0; f < width; f++) { score += pair[1][f] * weights[f]; }
        } else {
          upper += headroom[i];
        }
      });
      if (!pending.length && upper === 0) {
        sure.push({ doc: doc, score: score });
      } else {
        undecided.push([score + upper, doc, pending]);
      }
    });
    sure.sort(byScore);
    var cut = sure.length >= limit ? sure[limit - 1].score : -Infinity;
    var wanted = [];
    function want(entry) {
      if (!complete(entry) && wanted.indexOf(entry) < 0) { wanted.push(entry); }
    }
    // what could still change the top results: a document that might beat the last of
    // them, for want of the postings that would say whether it matches and how well
    undecided.forEach(function (open) {
      if (open[0] <= cut) { return; }
      scoring.forEach(function (pair, i) {
        if (headroom[i] > 0 && !pair[0].postings.has(open[1])) { want(pair[0]); }
      });
      open[2].forEach(function (group) {
        group.forEach(function (clause) { clause.entries.forEach(want); });
      });
    });
    if (unseenPossible && unseenMost > cut) {
      plan.clauses.forEach(function (clause) {
        if (clause.presence !== PROHIBITED) { clause.entries.forEach(want); }
      });
    }
    var decided = !undecided.length && !unseenPossible;
    return { certain: !wanted.length, results: sure.slice(0, limit), total: sure.length, complete: decided,
             wanted: wanted };
  };

  function byScore(a, b) {
    return b.score - a.score || a.doc - b.doc;
  }

  /* What a result shows: its record, from the file of RECORD_CHUNK documents it is in. */
  Engine.prototype.records = function (docs) {
    var engine = this;
    var chunk = this.manifest.recordChunk;
    return Promise.all(docs.map(function (doc) {
      return engine.get("r/" + Math.floor(doc / chunk) + ".json").then(function (list) {
        return list[doc % chunk];
      });
    }));
  };

  /* Documents of a year: ids run oldest first, so each year is one range. */
  Engine.prototype.yearRange = function (year) {
    var found = this.manifest.years.filter(function (entry) { return entry[0] === year; })[0];
    return found ? [found[1], found[1] + found[2]] : [0, 0];
  };

  /* The documents a committee ("c"), person ("p") or topic ("o") filter keeps; none
   * for an id the archive does not have (an old shared link). */
  Engine.prototype.filterSet = function (kind, id) {
    if (!/^[a-z0-9-]+$/.test(id)) { return Promise.resolve(new Set()); }
    return this.get("f/" + kind + "-" + id + ".json").catch(function () { return []; }).then(function (gaps) {
      var docs = new Set();
      var doc = 0;
      gaps.forEach(function (gap) { doc += gap; docs.add(doc); });
      return docs;
    });
  };

  return { Engine: Engine };
}));
