// lunr.js 2.3.9's side of the parity tests in tests/test_search_index.py: what the reader's
// browser makes of a built search shard and of the archive's words.
//
// Reads one JSON object on stdin, every key optional:
//   {"shards": {"2018": "<path of search/2018.<hash>.json>", ...},
//    "queries": ["risk", "title:brexit", "+risk -brexit", ...],
//    "words": ["councillors", ...], "tokens": ["(children's", ...], "texts": ["Risk Register ...", ...]}
// and writes one JSON object on stdout:
//   {"results": {"2018": [[[ref, score], ...] per query], ...},
//    "stems": [lunr.stemmer of each word], "trimmed": [lunr.trimmer of each token],
//    "terms": [the terms lunr.js's own indexing pipeline makes of the texts, sorted, unique]}
// Queries go through lunr.js's query parser (Index.search), as lunr.py's Index.search parses them.
"use strict";

const fs = require("fs");
const path = require("path");
const lunr = require(path.join(__dirname, "..", "node_modules", "lunr"));

const request = JSON.parse(fs.readFileSync(0, "utf8"));
const token = (text) => new lunr.Token(text, {});

const results = {};
for (const [name, file] of Object.entries(request.shards || {})) {
  const index = lunr.Index.load(JSON.parse(fs.readFileSync(file, "utf8")).index);
  results[name] = (request.queries || []).map((query) => {
    try {
      return index.search(query).map((hit) => [hit.ref, hit.score]);
    } catch (error) {
      return { error: error.name + ": " + error.message };
    }
  });
}

const pipeline = new lunr.Pipeline();
pipeline.add(lunr.trimmer, lunr.stopWordFilter, lunr.stemmer);  // lunr.Builder's default
const terms = new Set();
for (const text of request.texts || []) {
  for (const term of pipeline.run(lunr.tokenizer(text))) {
    terms.add(term.toString());
  }
}

process.stdout.write(JSON.stringify({
  results: results,
  stems: (request.words || []).map((word) => lunr.stemmer(token(word)).toString()),
  trimmed: (request.tokens || []).map((text) => lunr.trimmer(token(text)).toString()),
  terms: [...terms].sort(),
}));
