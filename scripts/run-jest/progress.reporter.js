// A Jest reporter for scripts/run-jest.js: appends the start and end of every test file, the start
// of every test and the end of the run (the summary) to $RUN_JEST_STATE/events.jsonl, which the
// runner watches to enforce its time limits and to say what was running when one passed. Without
// RUN_JEST_STATE it does nothing.
const { appendFileSync } = require('node:fs');
const { join, relative } = require('node:path');

class ProgressReporter {
  constructor(globalConfig) {
    this.rootDir = globalConfig.rootDir;
    this.file = process.env.RUN_JEST_STATE ? join(process.env.RUN_JEST_STATE, 'events.jsonl') : undefined;
  }

  write(event) {
    // Synchronous, so that the line is there even when the process hangs right after.
    if (this.file) appendFileSync(this.file, `${JSON.stringify({ ...event, at: Date.now() })}\n`);
  }

  name(test) {
    return relative(this.rootDir, test.path);
  }

  onTestFileStart(test) {
    this.write({ event: 'file-start', file: this.name(test) });
  }

  onTestCaseStart(test, info) {
    this.write({ event: 'test-start', file: this.name(test), test: info.fullName });
  }

  onTestFileResult(test) {
    this.write({ event: 'file-end', file: this.name(test) });
  }

  onRunComplete(contexts, results) {
    this.write({ event: 'run-complete', success: results.success });
  }

  getLastError() {
    return undefined;
  }
}

module.exports = ProgressReporter;
