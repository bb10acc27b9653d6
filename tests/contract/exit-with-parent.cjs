// Preloaded into Prism (`node --require ./exit-with-parent.cjs node_modules/.bin/prism mock ...`)
// by the contract-test harness (tests/src/prism.rs), which `cargo xtask example` uses too.
//
// They start Prism with a pipe as its standard input and never write to it. The pipe closes when
// the process that started Prism ends, however it ends (normal exit, panic, abort, a signal), and
// then Prism exits too: a mock server is never left running behind a test run.
//
// On its way out it removes the file named by PRISM_REMOVE_ON_EXIT (the temporary spec it
// served). The spec must stay in place while Prism runs: Prism watches it for changes and stops
// when it cannot read it.
"use strict";
const fs = require("fs");

const owned = process.env.PRISM_REMOVE_ON_EXIT;
process.on("exit", () => {
  if (owned) {
    try {
      fs.unlinkSync(owned);
    } catch {
      // Already gone.
    }
  }
});
process.stdin.on("end", () => process.exit(0));
process.stdin.on("error", () => process.exit(0));
process.stdin.resume();
