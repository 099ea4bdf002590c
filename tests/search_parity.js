// The split index against an unsplit lunr index of the same documents, in lunr.js 2.3.9.
//
// Reads one JSON object on stdin:
//   {"site": "<built site folder>", "manifest": "/search/<hash>/manifest.json",
//    "unsplit": "<path of a lunr.py index of the same documents, refs = document numbers>",
//    "queries": ["risk", "title:brexit", ...],   // lunr's query language, as Index.search takes it
//    "words": ["risk register", ...],             // plain words, as the search page asks for them
//    "limit": 10}
// and writes {"queries": [{"lunr": [[ref, score]...], "split": [[ref, score]...], "files": n,
//                          "early": [[ref...]...]}...], "words": [...same...]}: each side's top `limit`,
// how many files the split side read, and after each of its rounds of fetches, the results it
// said were certain of their place (what the search page shows before the rest are worked out).
"use strict";

const fs = require("fs");
const path = require("path");
const lunr = require(path.join(__dirname, "..", "node_modules", "lunr"));
const { Engine } = require(path.join(__dirname, "..", "assets", "js", "search-engine.js"))(lunr);

const request = JSON.parse(fs.readFileSync(0, "utf8"));
const limit = request.limit || 10;
const unsplit = lunr.Index.load(JSON.parse(fs.readFileSync(request.unsplit, "utf8")));

function engine() {
  let reads = 0;
  const split = new Engine(request.manifest, (url) => {
    reads += 1;
    return Promise.resolve(JSON.parse(fs.readFileSync(path.join(request.site, url), "utf8")));
  });
  return { split, reads: () => reads };
}

const round = (hits) => hits.slice(0, limit).map((hit) => [String(hit.ref !== undefined ? hit.ref : hit.doc), hit.score]);

// The page's plain-words query: each word stemmed (boost 10) or as a word beginning, every word required.
function wordsQuery(text, fields) {
  const query = new lunr.Query(fields);
  const groups = [];
  const words = [];
  for (const token of lunr.tokenizer(text)) {
    const trimmed = lunr.trimmer(token);
    if (!trimmed.toString() || !lunr.stopWordFilter(trimmed)) continue;
    const word = trimmed.toString();
    const stem = lunr.stemmer(trimmed.clone()).toString();
    const group = [query.clauses.length];
    query.term(word, { usePipeline: true, boost: 10 });
    if (word.length > 1) {
      group.push(query.clauses.length);
      query.term(word, { usePipeline: false, wildcard: lunr.Query.wildcard.TRAILING });
    }
    groups.push(group);
    words.push({ word, stem });
  }
  return { query, groups, words };
}

async function main() {
  const out = { queries: [], words: [] };
  for (const text of request.queries || []) {
    const { split, reads } = engine();
    await split.load();
    let expected;
    try {
      expected = round(unsplit.search(text));
    } catch (error) {
      out.queries.push({ error: error.name });
      continue;
    }
    const plan = await split.plan(split.parse(text));
    const early = [];
    const found = await split.top(plan, limit, null, { progress: (outcome) => early.push(outcome.fixed.map(String)) });
    out.queries.push({ lunr: expected, split: round(found.results), files: reads(), total: found.total,
                       complete: found.complete, all: unsplit.search(text).length, early });
  }
  for (const text of request.words || []) {
    const { split, reads } = engine();
    const manifest = await split.load();
    const { query, groups, words } = wordsQuery(text, manifest.fields);
    const hits = unsplit.query((q) => { q.clauses = query.clauses.map((c) => Object.assign({}, c)); });
    const every = hits.filter((hit) => {
      const matched = Object.keys(hit.matchData.metadata);
      return words.every(({ word, stem }) => matched.some((t) => t === stem || (word.length > 1 && t.startsWith(word))));
    });
    const plan = await split.plan(query, groups);
    const early = [];
    const found = await split.top(plan, limit, null, { progress: (outcome) => early.push(outcome.fixed.map(String)) });
    out.words.push({ lunr: round(every), split: round(found.results), files: reads(), total: found.total,
                     complete: found.complete, all: every.length, early });
  }
  process.stdout.write(JSON.stringify(out));
}

main().catch((error) => {
  process.stderr.write(String(error && error.stack || error));
  process.exit(1);
});
