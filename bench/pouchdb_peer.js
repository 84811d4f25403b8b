// PouchDB as a replication peer for bench/sync.py (see ../shared/NOTES.md, "PouchDB as a
// replication peer").
//
//   node bench/pouchdb_peer.js MODULES_DIR DOCS.jsonl BATCH_SIZE[,BATCH_SIZE...] [BATCHES_LIMIT]
//
// A child process (this script with "serve") loads the JSON Lines documents into a memory-backed
// PouchDB and serves it with express-pouchdb (mode "minimumForPouchDB") mounted in express 4 on
// 127.0.0.1. The parent then, for each batch size, replicates it into a fresh memory PouchDB with
// PouchDB.replicate(remote, local, {batch_size, batches_limit}) and times only the replication.
// One small untimed replication warms V8 up first. The server runs in its own process, as yorisoi's store does, so each side has its own event
// loop. Prints one JSON object on stdout; progress on stderr.

"use strict";

const { createRequire } = require("module");
const path = require("path");
const fs = require("fs");
const readline = require("readline");
const { fork } = require("child_process");

function loader(modulesDir) {
  const req = createRequire(path.join(path.resolve(modulesDir), "package.json"));
  const PouchDB = req("pouchdb-core")
    .plugin(req("pouchdb-adapter-memory"))
    .plugin(req("pouchdb-adapter-http"))
    .plugin(req("pouchdb-replication"))
    .plugin(req("pouchdb-mapreduce"));
  return { req, PouchDB };
}

async function readDocs(file) {
  const docs = [];
  const lines = readline.createInterface({ input: fs.createReadStream(file, "utf8"), crlfDelay: Infinity });
  for await (const line of lines) {
    if (line.trim()) docs.push(JSON.parse(line));
  }
  return docs;
}

async function serve(modulesDir, docsFile) {
  const { req, PouchDB } = loader(modulesDir);
  const ServerPouch = PouchDB.defaults({ adapter: "memory" });
  const db = new ServerPouch("station");
  const docs = await readDocs(docsFile);
  for (let i = 0; i < docs.length; i += 1000) {
    const answers = await db.bulkDocs(docs.slice(i, i + 1000));
    const failed = answers.filter((a) => a.error);
    if (failed.length) throw new Error(`bulkDocs: ${JSON.stringify(failed[0])}`);
  }
  // A small database replicated once, untimed, before the timed runs: the timed runs then meet
  // a warmed-up V8 (the benchmark is not meant to measure Node's JIT).
  await new ServerPouch("warmup").bulkDocs(docs.slice(0, 500).map((d) => ({ ...d, _id: `warm-${d._id}` })));
  const info = await db.info();
  const express = req("express");
  const app = express();
  app.use("/", req("express-pouchdb")(ServerPouch, { mode: "minimumForPouchDB", inMemoryConfig: true }));
  const server = app.listen(0, "127.0.0.1", () => {
    process.send({ port: server.address().port, docs: info.doc_count, update_seq: info.update_seq });
  });
  process.on("message", (msg) => {
    if (msg === "stop") server.close(() => process.exit(0));
  });
  process.on("disconnect", () => process.exit(0)); // the parent is gone
}

async function main() {
  const [modulesDir, docsFile, sizesArg, limitArg] = process.argv.slice(2);
  const batchSizes = (sizesArg || "500").split(",").map(Number);
  const batchesLimit = Number(limitArg || 10);
  const { req, PouchDB } = loader(modulesDir);
  const versions = {};
  for (const name of ["pouchdb-core", "pouchdb-adapter-memory", "pouchdb-adapter-http", "pouchdb-replication",
                      "express-pouchdb", "express"]) {
    versions[name] = req(`${name}/package.json`).version;
  }

  const loadStarted = process.hrtime.bigint();
  const child = fork(__filename, ["serve", modulesDir, docsFile], { stdio: ["ignore", "ignore", "inherit", "ipc"] });
  const ready = await new Promise((resolve, reject) => {
    child.once("message", resolve);
    child.once("exit", (code) => reject(new Error(`the PouchDB server exited (${code})`)));
  });
  const loadSeconds = Number(process.hrtime.bigint() - loadStarted) / 1e9;
  process.stderr.write(`pouchdb: ${ready.docs} docs served on port ${ready.port} (loaded in ${loadSeconds.toFixed(1)} s)\n`);

  const runs = [];
  try {
    const warm = new PouchDB(`warmup-${Date.now()}`, { adapter: "memory" });
    await PouchDB.replicate(new PouchDB(`http://127.0.0.1:${ready.port}/warmup`), warm,
                            { batch_size: batchSizes[0], batches_limit: batchesLimit });
    await warm.destroy();
    for (const batchSize of batchSizes) {
      const local = new PouchDB(`replica-${batchSize}-${Date.now()}`, { adapter: "memory" });
      const remote = new PouchDB(`http://127.0.0.1:${ready.port}/station`);
      const started = process.hrtime.bigint();
      const result = await PouchDB.replicate(remote, local, { batch_size: batchSize, batches_limit: batchesLimit });
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const info = await local.info();
      if (result.ok === false || info.doc_count !== ready.docs) {
        throw new Error(`replication incomplete: ${info.doc_count} of ${ready.docs} docs`);
      }
      runs.push({ batch_size: batchSize, batches_limit: batchesLimit, seconds, docs_written: result.docs_written,
                  docs_per_s: info.doc_count / seconds });
      process.stderr.write(`pouchdb: batch_size ${batchSize}: ${seconds.toFixed(3)} s\n`);
      await local.destroy();
      await remote.close();
    }
  } finally {
    child.send("stop");
  }
  process.stdout.write(JSON.stringify({ docs: ready.docs, load_s: loadSeconds, node: process.version, versions,
                                        runs }) + "\n");
}

if (process.argv[2] === "serve") {
  serve(process.argv[3], process.argv[4]).catch((err) => {
    process.stderr.write(`pouchdb server: ${err.stack || err}\n`);
    process.exit(1);
  });
} else {
  main().catch((err) => {
    process.stderr.write(`pouchdb: ${err.stack || err}\n`);
    process.exit(1);
  });
}
