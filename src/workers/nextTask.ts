/**
 * Resolves in a later task of this event loop, so messages queued meanwhile (Stop, Pause) are
 * handled between chunks of a run. A MessageChannel message rather than setTimeout(0): browsers
 * clamp nested timeouts to >= 4 ms, and a worker's loop of chunks nests them (measured in a
 * Chromium worker: 4.4-5.1 ms a yield, against 0.1-0.45 ms by a MessageChannel; at ~2 steps a
 * chunk that was ~2 ms of every DeepFM step).
 */
export function nextTask(): Promise<void> {
  return new Promise<void>((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}
