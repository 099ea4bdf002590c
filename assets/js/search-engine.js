/* Minutebook's search engine: lunr.js 2.3.9's query language and scoring, over an index
 * split into files so that a query fetches only what it needs.
 *
 * The build (minutebook/search.py) writes what lunr's field-vector weights are made of as
 * postings (how often the term is in each field, and how long the field is), each term's
 * ranked best-first in tiers; the engine weighs them as lunr.Builder does, with the term's
 * idf from the dictionary and the average field lengths from the manifest. A query fetches
 * the dictionary bucket of each of its words (with the best postings), then further tiers
 * only while a document it has not seen could still beat the results it has: the top
 * results it returns are exactly lunr.Index.query's. Each round of fetches asks at once
 * for the tier after the next too when the results so far say it will be wanted, and tells
 * which of the top results no other document can overtake any more, so a page can show
 * those while the rest are worked out. It fetches what a result shows only for the results
 * shown.
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
  var EMPTY = new Int32Array(0);
  var PREFETCH = 50;  // at most this many results have their records fetched ahead
  var LOOKAHEAD = 1;  // tiers fetched with the next one, when the results so far say they will be wanted too

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

  /* The manifest: ``given`` when the page holds it (parsed already), else fetched. */
  Engine.prototype.load = function (given) {
    var engine = this;
    if (given && !this.files["manifest.json"]) {
      this.files["manifest.json"] = Promise.resolve(given);
    }
    return this.get("manifest.json").then(function (manifest) {
      engine.manifest = manifest;
      engine.bm25 = {
        width: manifest.fields.length, averages: manifest.averages, boosts: manifest.fieldBoosts,
        directory: manifest.directory, directoryBoost: manifest.directoryBoost,
        k1: manifest.bm25[0], b: manifest.bm25[1]
      };
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

  /* A bucket's terms are kept as they come; a term's best postings are decoded only when a
   * query uses the term (a bucket holds hundreds of terms, a query a few). */
  Engine.prototype.loadBuckets = function (numbers) {
    var engine = this;
    return Promise.all(numbers.map(function (n) {
      return engine.get("t/" + n + ".json").then(function (entries) {
        entries.forEach(function (entry) {
          if (!engine.terms[entry[0]]) {
            engine.terms[entry[0]] = {
              term: entry[0], idf: entry[1], best: entry[2], rest: entry[3],
              loaded: 0, fetching: [], docs: null, masks: null, weights: null, bounds: []
            };
          }
        });
        return entries.map(function (entry) { return entry[0]; });
      });
    }));
  };

  /* A term's postings so far, as three parallel lists: document numbers, which fields each
   * document has the term in (a bit a field), and the weights, one per field a document. */
  function postingsOf(entry, bm25) {
    if (!entry.docs) {
      entry.docs = entry.masks = entry.weights = EMPTY;
      decode(entry.best, entry, bm25);
      entry.best = null;
    }
    return entry;
  }

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

  /* Tier ``n`` of a term's further postings (an index into entry.rest), decoded after the
   * tiers before it. Fetched once, even when two searches want it at the same time; a term
   * counts a tier as loaded only once its postings are in. */
  Engine.prototype.tier = function (entry, n) {
    var engine = this;
    if (n < entry.loaded || n >= entry.rest.length) { return Promise.resolve(); }
    if (!entry.fetching[n]) {
      var file = this.fetchJson(this.base + "p/" + entry.rest[n][0] + ".json");
      var before = this.tier(entry, n - 1);
      entry.fetching[n] = Promise.all([file, before]).then(function (done) {
        decode(done[0], postingsOf(entry, engine.bm25), engine.bm25);
        entry.loaded = n + 1;
      }, function (error) {
        entry.fetching[n] = null;
        throw error;
      });
    }
    return entry.fetching[n];
  };

  /* lunr.Builder's weight of a term in a field, to three places: BM25 in lunr's order of
   * operations, rounded half to even as the build's lunr.py rounds. The same numbers give the
   * same weight to the bit in any browser: only + - * / and rounding. */
  function weigh(bm25, idf, frequency, length, field, documentBoost) {
    var k1 = bm25.k1;
    var b = bm25.b;
    var score = idf * ((k1 + 1) * frequency) / (k1 * (1 - b + b * (length / bm25.averages[field])) + frequency)
      * bm25.boosts[field] * documentBoost;
    var scaled = score * 1000;
    var rounded = Math.round(scaled);
    if (rounded - scaled === 0.5 && rounded % 2 !== 0) { rounded -= 1; }
    return rounded / 1000;
  }

  /* Postings as the build writes them (document number as the gap from the one before, the
   * field mask, then for each field in the mask how often the term is in it and the field's
   * length), weighed and added to a term's typed arrays: a common word has thousands of
   * postings, and an object each is slow to make. */
  function decode(numbers, into, bm25) {
    var width = bm25.width;
    var added = 0;
    for (var j = 0; j < numbers.length; added++) {
      var bits = numbers[j + 1];
      j += 2;
      for (; bits; bits &= bits - 1) { j += 2; }
    }
    var had = into.docs.length;
    var docs = new Int32Array(had + added);
    var masks = new Int32Array(had + added);
    var weights = new Float64Array((had + added) * width);
    docs.set(into.docs);
    masks.set(into.masks);
    weights.set(into.weights);
    var doc = 0;
    var i = 0;
    for (var k = had; k < had + added; k++) {
      doc += numbers[i];
      var mask = numbers[i + 1];
      i += 2;
      docs[k] = doc;
      masks[k] = mask;
      var documentBoost = doc >= bm25.directory ? bm25.directoryBoost : 1;
      for (var f = 0; f < width; f++) {
        if (mask & (1 << f)) {
          weights[k * width + f] = weigh(bm25, into.idf, numbers[i], numbers[i + 1], f, documentBoost);
          i += 2;
        }
      }
    }
    into.docs = docs;
    into.masks = masks;
    into.weights = weights;
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
        var entries = expanded.map(function (term) { return postingsOf(engine.terms[term], engine.bm25); });
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
   * total is exact when complete, else the number of documents known to match.
   * Options: ``progress(outcome)`` is called after each round, so a page can show the
   * results whose place is already certain (outcome.fixed) while the rest are worked out;
   * with ``ahead``, the records of the likeliest results are fetched along with the tiers
   * from the second round on (by then they seldom change), so showing all of them seldom
   * waits for a further round trip. */
  Engine.prototype.top = function (plan, limit, allowed, options) {
    var engine = this;
    var ahead = options && options.ahead;
    var progress = options && options.progress;
    var prohibitedFirst = [];
    var round = 0;
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
      if (progress) { progress(outcome); }
      if (outcome.certain) { return outcome; }
      var tiers = Promise.all(outcome.wanted.map(function (entry) {
        var last = Math.min(entry.loaded + outcome.further, entry.rest.length - 1);
        return engine.tier(entry, last);  // the tiers before it come with it
      }));
      if (ahead && round) {  // asked for after the tiers, which the browser then sends first
        engine.records(outcome.likely).catch(function () { /* fetched again when shown */ });
      }
      round += 1;
      return tiers.then(step);
    });
  };

  /* Every tier of a term, fetched side by side. */
  Engine.prototype.loadAll = function (entry) {
    var waits = [];
    for (var n = entry.loaded; n < entry.rest.length; n++) { waits.push(this.tier(entry, n)); }
    return Promise.all(waits);
  };

  /* Per field, the highest weight of a posting in tier ``n`` of entry.rest or a later one: the
   * highest of the weights of the (frequency, length, boost) corners the build lists for them,
   * as a weight rises with frequency and boost and falls with length. (entry.rest[n] is
   * [file, the most a posting there weighs in total but for the idf x 1000, corners]: see most.) */
  function boundOf(entry, n, bm25) {
    if (!entry.bounds[n]) {
      var bound = new Float64Array(bm25.width);
      var corners = entry.rest[n][2];
      for (var c = 0; c < corners.length; c += 4) {
        var field = corners[c];
        bound[field] = Math.max(bound[field], weigh(bm25, entry.idf, corners[c + 1], corners[c + 2], field, corners[c + 3]));
      }
      entry.bounds[n] = bound;
    }
    return entry.bounds[n];
  }

  function complete(entry) {
    return entry.loaded >= entry.rest.length;
  }

  function fieldMask(fields) {
    var mask = 0;
    fields.forEach(function (f) { mask |= 1 << f; });
    return mask;
  }

  /* What the postings fetched so far prove. Works term by term over each term's postings
   * (never document by term): a word like "co*" means hundreds of terms and 100,000
   * postings, and a search runs this after every round of fetches. Per-document sums are
   * added in the same order as document by document, so scores are the same to the bit. */
  Engine.prototype.rank = function (plan, limit, allowed) {
    var width = this.manifest.fields.length;
    var count = this.manifest.documents;
    if (plan.empty) {
      return { certain: true, results: [], total: 0, complete: true, wanted: [], likely: [], fixed: [], further: 0 };
    }
    var scoring = [];  // [entry, per-field coefficient] for terms in the query vectors
    plan.terms.forEach(function (entry) {
      var coefficients = plan.vectors.map(function (vector, f) {
        var boost = vector.get(entry.term) || 0;
        return boost && plan.norms[f] ? boost / plan.norms[f] : 0;
      });
      if (coefficients.some(function (c) { return c > 0; })) { scoring.push([entry, coefficients]); }
    });
    var bm25 = this.bm25;
    function most(entry, coefficients, from) {  // the most a posting of entry not yet fetched can add
      var n = from === undefined ? entry.loaded : from;
      if (n >= entry.rest.length) { return 0; }
      var bound = boundOf(entry, n, bm25);
      var byField = 0;
      var top = 0;
      for (var f = 0; f < width; f++) {
        byField += coefficients[f] * bound[f];
        top = Math.max(top, coefficients[f]);
      }
      // the build weighs a tier's total without the idf and with averages a shade above the exact ones
      // (so it holds while they round the same); each field's weight is rounded to three places
      return Math.min(byField, top * (entry.idf * entry.rest[n][1] + 0.5 * width) / 1000);
    }
    var headroom = scoring.map(function (pair) { return most(pair[0], pair[1]); });
    var unseenMost = headroom.reduce(function (a, b) { return a + b; }, 0);
    var unseenPossible = plan.clauses.some(function (clause) {
      return clause.presence !== PROHIBITED && !clause.entries.every(complete);
    }) && !plan.negated;
    plan.groups.forEach(function (group) {  // a group fully fetched admits no document it has not listed
      if (group.every(function (clause) { return clause.entries.every(complete); })) { unseenPossible = false; }
    });

    var space = this.workspace(count);
    // Each clause's postings in one pass: the documents any clause matches so far, in the order
    // met; those a prohibited clause matches; and which groups each is known to be in, a bit for
    // each of the first 30. (The first searches run before the browser has compiled this code,
    // so every pass over the postings saved counts.)
    var met = space.met;
    var excluded = space.excluded;
    var seen = space.seen;
    var inGroups = space.inGroups;
    var seenCount = 0;
    var groups = plan.groups.map(function (group, g) {
      return { bit: g < 30 ? 1 << g : 0, open: group.some(function (clause) { return !clause.entries.every(complete); }),
               clauses: group };
    });
    var closedBits = 0;  // groups a document must be in already
    var openBits = 0;  // groups a tier not yet fetched may yet put it in
    var slowGroups = [];  // the 31st group on, tested one by one
    groups.forEach(function (group, g) {
      if (!group.bit) {
        slowGroups.push(g);
      } else if (group.open) {
        openBits |= group.bit;
      } else {
        closedBits |= group.bit;
      }
    });
    plan.clauses.forEach(function (clause) {
      var fields = fieldMask(clause.fields);
      var prohibited = clause.presence === PROHIBITED;
      var bits = 0;  // the groups this clause is in
      groups.forEach(function (group) {
        if (group.clauses.indexOf(clause) >= 0) { bits |= group.bit; }
      });
      clause.entries.forEach(function (entry) {
        var docs = entry.docs;
        var masks = entry.masks;
        for (var k = 0; k < docs.length; k++) {
          if (!(masks[k] & fields)) { continue; }
          var doc = docs[k];
          if (prohibited) {
            excluded[doc] = 1;
            continue;
          }
          if (!met[doc]) {
            met[doc] = 1;
            seen[seenCount++] = doc;
          }
          inGroups[doc] |= bits;
        }
      });
    });
    if (plan.negated) {
      for (seenCount = 0; seenCount < count; seenCount++) { seen[seenCount] = seenCount; }
    }
    function inGroup(doc, g) {
      if (groups[g].bit) { return (inGroups[doc] & groups[g].bit) !== 0; }
      return groups[g].clauses.some(function (clause) {
        var fields = fieldMask(clause.fields);
        return clause.entries.some(function (entry) {
          var mask = maskOf(entry, doc);
          return mask > 0 && (mask & fields) !== 0;
        });
      });
    }
    // scores so far, and, in the same pass over each term's postings, for the most the tiers not
    // yet fetched could add: how many of the terms still being fetched each document has, and the
    // headroom they cover. A document is in a term's postings once, so its score adds up field
    // by field, term by term, in the same order as lunr's.
    var score = space.score;
    var covered = space.covered;
    var has = space.has;
    var fetching = 0;
    scoring.forEach(function (pair, i) {
      var docs = pair[0].docs;
      var masks = pair[0].masks;
      var weights = pair[0].weights;
      var coefficients = pair[1];
      var scored = 0;  // the fields the query scores this term in
      for (var f = 0; f < width; f++) {
        if (coefficients[f]) { scored |= 1 << f; }
      }
      var room = headroom[i] > 0 ? headroom[i] : 0;
      if (room) { fetching += 1; }
      for (var k = 0; k < docs.length; k++) {
        var doc = docs[k];
        for (var bits = masks[k] & scored; bits; bits &= bits - 1) {
          var field = 31 - Math.clz32(bits & -bits);
          var w = weights[k * width + field];
          if (w) { score[doc] += coefficients[field] * w; }
        }
        if (room) {
          has[doc] += 1;
          covered[doc] += room;
        }
      }
    });
    /* The most a document can still gain, summed as lunr would, term by term; only needed
     * where the quick figure (all headroom less what it covers) is too close to call. */
    function upperOf(doc) {
      var upper = 0;
      scoring.forEach(function (pair, i) {
        if (headroom[i] > 0 && maskOf(pair[0], doc) < 0) { upper += headroom[i]; }
      });
      return upper;
    }

    var sure = [];
    var undecided = [];  // documents a tier not yet fetched could still decide
    var pendingOf = [];  // for each, the groups it may yet fail (numbers), or null
    for (var n = 0; n < seenCount; n++) {
      var doc = seen[n];
      if ((allowed && !allowed(doc)) || excluded[doc]) { continue; }
      var missing = ~inGroups[doc];
      if (missing & closedBits) { continue; }
      var pending = null;
      for (var unmet = missing & openBits; unmet; unmet &= unmet - 1) {
        (pending = pending || []).push(31 - Math.clz32(unmet & -unmet));
      }
      var out = false;
      for (var s = 0; s < slowGroups.length && !out; s++) {
        var g = slowGroups[s];
        if (!inGroup(doc, g)) {
          if (groups[g].open) { (pending = pending || []).push(g); } else { out = true; }
        }
      }
      if (out) { continue; }
      if (!pending && has[doc] === fetching) {
        sure.push(doc);
      } else {
        undecided.push(doc);
        pendingOf.push(pending);
      }
    }
    var best = bestOf(sure, score, limit);
    var cut = sure.length >= limit ? score[best[limit - 1]] : -Infinity;
    var wanted = [];
    function want(entry) {
      if (!complete(entry) && wanted.indexOf(entry) < 0) { wanted.push(entry); }
    }
    // what could still change the top results: a document that might beat the last of
    // them, for want of the postings that would say whether it matches and how well
    var close = 1e-9 * Math.max(1, Math.abs(cut));
    var open = [];
    var openGroups = [];
    undecided.forEach(function (doc, u) {
      var most = score[doc] + (unseenMost - covered[doc]);
      if (most <= cut - close || (most < cut + close && score[doc] + upperOf(doc) <= cut)) { return; }
      open.push(doc);
      (pendingOf[u] || []).forEach(function (g) { if (openGroups.indexOf(g) < 0) { openGroups.push(g); } });
    });
    if (open.length) {
      var stamp = space.stamp;
      scoring.forEach(function (pair, i) {
        if (!(headroom[i] > 0)) { return; }
        var docs = pair[0].docs;
        for (var k = 0; k < docs.length; k++) { stamp[docs[k]] = i + 1; }
        for (var o = 0; o < open.length; o++) {
          if (stamp[open[o]] !== i + 1) { want(pair[0]); return; }
        }
      });
      openGroups.sort(function (a, b) { return a - b; }).forEach(function (g) {
        groups[g].clauses.forEach(function (clause) { clause.entries.forEach(want); });
      });
    }
    if (unseenPossible && unseenMost > cut) {
      plan.clauses.forEach(function (clause) {
        if (clause.presence !== PROHIBITED) { clause.entries.forEach(want); }
      });
    }
    var results = best.map(function (doc) { return { doc: doc, score: score[doc] }; });
    // while uncertain, the likeliest top results (their records are fetched with the tiers) and
    // those whose place is already certain, best first: each scores, even at its least, more
    // than any document but those above it could at its most (a page may show them at once)
    var likely = [];
    var fixed = wanted.length ? [] : best;
    if (wanted.length && limit <= PREFETCH) {
      likely = bestOf(sure.concat(undecided), score, limit);
      // in the order of their scores so far, which only a document still undecided can change
      var contenders = bestOf(sure.concat(undecided.filter(function (doc, u) { return !pendingOf[u]; })), score, limit);
      // Whether an undecided document could overtake one needs only the limit + 1 that could rise
      // highest: at most ``limit`` of them (the candidate, those fixed before it) are passed over.
      var rising = contenders.length ? highest(undecided, function (doc) {
        return score[doc] + (unseenMost - covered[doc]);
      }, limit + 1) : [];
      for (var k = 0; k < contenders.length; k++) {
        var candidate = contenders[k];
        var least = score[candidate] - 1e-9 * Math.max(1, Math.abs(score[candidate]));
        var overtaken = unseenPossible && unseenMost >= least;
        for (var r = 0; r < rising.length && !overtaken; r++) {
          var other = rising[r][1];
          overtaken = rising[r][0] >= least && other !== candidate && fixed.indexOf(other) < 0;
        }
        if (overtaken) { break; }
        fixed.push(candidate);
      }
    }
    // how many tiers past the next the round after would want too, if the cut stayed where it is
    var further = 0;
    if (unseenPossible && wanted.length) {
      for (var depth = 1; depth <= LOOKAHEAD; depth++) {
        var possible = 0;
        scoring.forEach(function (pair) {
          var skip = wanted.indexOf(pair[0]) >= 0 ? depth : 0;
          possible += most(pair[0], pair[1], pair[0].loaded + skip);
        });
        if (!(possible > cut)) { break; }
        further = depth;
      }
    }
    var decided = !undecided.length && !unseenPossible;
    return { certain: !wanted.length, results: results, total: sure.length, complete: decided, wanted: wanted,
             likely: likely, fixed: fixed, further: further };
  };

  /* Per-document scratch arrays for rank, made once and cleared for each use: a search
   * ranks after every round of fetches, and fresh arrays each time keep the collector busy. */
  Engine.prototype.workspace = function (count) {
    if (!this.space) {
      this.space = {
        met: new Uint8Array(count), excluded: new Uint8Array(count), seen: new Int32Array(count),
        inGroups: new Int32Array(count), score: new Float64Array(count), covered: new Float64Array(count),
        has: new Int32Array(count), stamp: new Int32Array(count)
      };
    } else {
      for (var name in this.space) { this.space[name].fill(0); }
    }
    return this.space;
  };

  /* The field mask of a document in a term's postings so far, or -1 if it has none. */
  function maskOf(entry, doc) {
    var k = entry.docs.indexOf(doc);
    return k < 0 ? -1 : entry.masks[k];
  }

  /* The best ``limit`` of ``docs``, best first (equal scores in document order); a short
   * list is kept by insertion, so thousands of matches are not all sorted for ten. */
  function bestOf(docs, score, limit) {
    function before(a, b) {
      return score[a] > score[b] || (score[a] === score[b] && a < b);
    }
    if (!(limit < docs.length) || limit > 100) {
      return docs.slice().sort(function (a, b) { return before(a, b) ? -1 : before(b, a) ? 1 : 0; }).slice(0, limit);
    }
    var best = [];
    for (var i = 0; i < docs.length; i++) {
      var doc = docs[i];
      if (best.length === limit && !before(doc, best[limit - 1])) { continue; }
      var at = best.length === limit ? limit - 1 : best.length;
      while (at > 0 && before(doc, best[at - 1])) {
        best[at] = best[at - 1];
        at--;
      }
      best[at] = doc;
    }
    return best;
  }

  /* [value, doc] for the ``n`` of ``docs`` with the highest ``valueOf(doc)``, highest first
   * (ties in any order): one pass, keeping a short list. */
  function highest(docs, valueOf, n) {
    var top = [];
    for (var i = 0; i < docs.length; i++) {
      var value = valueOf(docs[i]);
      if (top.length === n && !(value > top[n - 1][0])) { continue; }
      var at = top.length === n ? n - 1 : top.length;
      while (at > 0 && value > top[at - 1][0]) {
        top[at] = top[at - 1];
        at--;
      }
      top[at] = [value, docs[i]];
    }
    return top;
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
