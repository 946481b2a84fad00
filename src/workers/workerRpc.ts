/**
 * A service object across a worker boundary, written once for every worker: the worker exposes
 * its service, the page connects to it. Any function argument (a progress or event callback)
 * travels as a Comlink proxy, and the worker releases that proxy's port once the call it served
 * has ended, so long-lived workers do not pile up open ports.
 */
import * as Comlink from 'comlink';

/** The page's view of a service: every method answers with a promise. */
export type RemoteService<Service> = {
  [K in keyof Service]: Service[K] extends (...args: infer A) => infer R ? (...args: A) => Promise<Awaited<R>> : never;
};

type Method = (...args: unknown[]) => unknown;

/** Page side: calls go to the worker, started on the first call; function arguments become Comlink proxies. */
export function connectWorker<Service extends object>(spawn: () => Worker): RemoteService<Service> {
  let connected: Comlink.Remote<Record<string, Method>> | null = null;
  const remote = () => (connected ??= Comlink.wrap<Record<string, Method>>(spawn()));
  const methods = new Map<string, Method>();
  return new Proxy({} as RemoteService<Service>, {
    get(_, key) {
      if (typeof key !== 'string') return undefined;
      let method = methods.get(key);
      if (!method) {
        method = (...args) => remote()[key](...args.map((a) => (typeof a === 'function' ? Comlink.proxy(a) : a)));
        methods.set(key, method);
      }
      return method;
    },
  });
}

/** How a method's result moves to the page without a copy (e.g. exported bytes). */
export type Transfers<Service> = { [K in keyof Service]?: (result: Awaited<ReturnType<Extract<Service[K], Method>>>) => Transferable[] };

/** Worker side: exposes every method; callback proxies are released when their call settles. */
export function exposeService<Service extends object>(service: Service, transfers: Transfers<Service> = {}): void {
  const exposed: Record<string, Method> = {};
  for (const [key, value] of Object.entries(service)) {
    if (typeof value !== 'function') continue;
    const method = value as Method;
    const transfer = transfers[key as keyof Service] as ((result: unknown) => Transferable[]) | undefined;
    exposed[key] = async (...args: unknown[]) => {
      try {
        const result = await method(...args);
        return transfer ? Comlink.transfer(result, transfer(result)) : result;
      } finally {
        for (const a of args) if (typeof a === 'function') (a as unknown as Comlink.Remote<unknown>)[Comlink.releaseProxy]();
      }
    };
  }
  Comlink.expose(exposed);
}
