// check.js: reads Versus's .hlog and .hgrm with hdr-histogram-js (an HdrHistogram port no one
// here wrote) and checks them against Versus's own JSON result.
//
//   node check.js RESULT.json RUN.hlog HGRM_DIR
//
// For every target (the log's tags, in order of first appearance, are the JSON's targets in
// plan order): the log's interval histograms, added up, hold as many samples as the JSON's
// histogram and its responses; every JSON percentile lies in the slot hdr-histogram-js gives
// for it; and the .hgrm's lines are those of the package's outputPercentileDistribution() of the
// same histogram (values, percentiles, counts, max, total, buckets; the mean within a slot).
// Exit status 0 when all hold, 1 with the first difference on stderr.
"use strict";

const fs = require("fs");
const path = require("path");
const hdr = require("hdr-histogram-js");

function fail(message) {
  process.stderr.write("check.js: " + message + "\n");
  process.exit(1);
}

function expect(condition, message) {
  if (!condition) fail(message);
}

// [value, percentile, count] per line, plus the footer's figures
function parseDistribution(text) {
  const rows = [];
  const footer = {};
  for (const line of text.split("\n")) {
    const m = line.match(/^\s*([0-9.]+)\s+([0-9.]+)\s+([0-9]+)(\s+\S+)?\s*$/);
    if (m) rows.push([m[1], m[2], Number(m[3])]);
    let f;
    if ((f = line.match(/^#\[Mean\s*=\s*([0-9.]+), StdDeviation\s*=\s*([0-9.]+)\]/)))
      [footer.mean, footer.stddev] = [Number(f[1]), Number(f[2])];
    if ((f = line.match(/^#\[Max\s*=\s*([0-9.]+), Total count\s*=\s*([0-9]+)\]/)))
      [footer.max, footer.total] = [f[1], Number(f[2])];
    if ((f = line.match(/^#\[Buckets\s*=\s*([0-9]+), SubBuckets\s*=\s*([0-9]+)\]/)))
      [footer.buckets, footer.subBuckets] = [Number(f[1]), Number(f[2])];
  }
  return { rows, footer };
}

const [jsonPath, hlogPath, hgrmDir] = process.argv.slice(2);
expect(jsonPath && hlogPath && hgrmDir, "usage: node check.js RESULT.json RUN.hlog HGRM_DIR");

const result = JSON.parse(fs.readFileSync(jsonPath, "utf8"));
const log = fs.readFileSync(hlogPath, "utf8");
expect(log.startsWith("#[Logged with Versus") &&
       log.includes("\n#[Histogram log format version 1.3]\n"), "no log format 1.3 header");

const tags = hdr.listTags(log);
expect(tags.length === result.targets.length,
       `${tags.length} tags in the log (${tags}), ${result.targets.length} targets in the JSON`);

const sums = new Map(tags.map((tag) => [tag, hdr.build({
  lowestDiscernibleValue: 1, highestTrackableValue: 3600000000,
  numberOfSignificantValueDigits: 3, bitBucketSize: 64 })]));
const reader = new hdr.HistogramLogReader(log);
let intervals = 0;
for (let h; (h = reader.nextIntervalHistogram()) !== null; intervals++) {
  expect(sums.has(h.tag), `an interval of an unknown tag ${h.tag}`);
  expect(h.numberOfSignificantValueDigits === 3 && h.lowestDiscernibleValue === 1,
         "the decoded layout is not lowest 1, 3 significant digits");
  sums.get(h.tag).add(h);
}
expect(intervals > 0, "no interval in the log");

result.targets.forEach((target, i) => {
  const sum = sums.get(tags[i]);
  const jsonCount = target.histogram.reduce((n, [, count]) => n + count, 0);
  const name = `target ${target.name} (tag ${tags[i]})`;

  expect(sum.totalCount === jsonCount,
         `${name}: ${sum.totalCount} samples in the log, ${jsonCount} in the JSON's histogram`);
  expect(sum.totalCount === target.summary.responses,
         `${name}: ${sum.totalCount} samples in the log, ${target.summary.responses} responses`);

  for (const { percentile, ms } of target.latency_percentiles) {
    const us = Math.round(ms * 1000);
    const top = sum.getValueAtPercentile(percentile);
    const bottom = sum.lowestEquivalentValue(top);
    expect(bottom <= us && us <= top,
           `${name}: p${percentile} is ${us} µs in the JSON, slot [${bottom}, ${top}] in the log`);
  }

  // the file is the tag with folder separators made '_' (and a leading dot guarded)
  const base = tags[i].replace(/[/\\]/g, "_");
  const wanted = (base.startsWith(".") ? "_" : "") + base + ".hgrm";
  const file = fs.readdirSync(hgrmDir).find((f) => f === wanted);
  expect(file, `${name}: no ${wanted} in ${hgrmDir}`);
  const ours = parseDistribution(fs.readFileSync(path.join(hgrmDir, file), "utf8"));
  const theirs = parseDistribution(sum.outputPercentileDistribution(5, 1000));
  expect(ours.rows.length === theirs.rows.length && ours.rows.length > 1,
         `${name}: ${ours.rows.length} percentile lines in the .hgrm, ` +
         `${theirs.rows.length} from hdr-histogram-js`);
  ours.rows.forEach((row, k) => {
    const other = theirs.rows[k];
    expect(row[0] === other[0] &&
           Math.abs(Number(row[1]) - Number(other[1])) <= 5e-7 /* %f has 6 places */ && row[2] === other[2],
           `${name}: .hgrm line ${k + 1} is ${row}, hdr-histogram-js says ${other}`);
  });
  expect(ours.footer.max === theirs.footer.max && ours.footer.total === theirs.footer.total &&
         ours.footer.buckets === theirs.footer.buckets &&
         ours.footer.subBuckets === theirs.footer.subBuckets,
         `${name}: footer ${JSON.stringify(ours.footer)}, hdr-histogram-js ` +
         JSON.stringify(theirs.footer));
  // the package's mean is of the slots' middles: within a slot's width (1/1024) of the exact one
  expect(Math.abs(ours.footer.mean - theirs.footer.mean) <= ours.footer.mean / 1024 + 0.001,
         `${name}: mean ${ours.footer.mean} ms, hdr-histogram-js ${theirs.footer.mean} ms`);
  process.stdout.write(`${name}: ${sum.totalCount} samples in ${intervals} intervals, ` +
                       `${ours.rows.length} percentile lines agree\n`);
});
