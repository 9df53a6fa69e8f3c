// k6 provides console at run time; @types/k6 does not declare it, and the DOM lib would declare far more.
declare const console: {
  log(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
};
