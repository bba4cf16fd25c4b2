package dev.llmops.studio.evaluation;

/** Where a prompt test run is: answering and checking, done, or stopped by an error (its message says why). */
public enum TestRunStatus { RUNNING, SUCCEEDED, FAILED }
