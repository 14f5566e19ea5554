/**
 * Cooperative yielding: training is one long chain of promises, and promises alone never
 * let a browser paint or handle input. Every `intervalMs` the loop waits for one
 * macrotask — `setImmediate` in Node, a `MessageChannel` message in browsers and workers
 * (neither is clamped to ≥ 1 ms like `setTimeout`), `setTimeout(0)` elsewhere.
 */

/** Milliseconds of work between two yields (about one frame). @internal */
export const YIELD_INTERVAL_MS = 16;

/** Resolves after one macrotask. @internal */
export function nextMacrotask(): Promise<void> {
  if (typeof setImmediate === 'function') {
    return new Promise((resolve) => {
      setImmediate(resolve);
    });
  }
  if (typeof MessageChannel === 'function') {
    return new Promise((resolve) => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => {
        channel.port1.close();
        resolve();
      };
      channel.port2.postMessage(null);
    });
  }
  return new Promise((resolve) => {
    setTimeout(resolve, 0);
  });
}

/** Milliseconds from a monotonic clock. @internal */
export function now(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}

/**
 * Returns a function that gives a promise for one macrotask when `intervalMs` have passed
 * since the last yield, and `undefined` otherwise (so the caller awaits only when needed).
 * @internal
 */
export function createYielder(intervalMs = YIELD_INTERVAL_MS): () => Promise<void> | undefined {
  let last = now();
  return () => {
    const t = now();
    if (t - last < intervalMs) return undefined;
    return nextMacrotask().then(() => {
      last = now();
    });
  };
}
