/**
 * Registers public/sw.js (offline after the first load) in production builds only: in dev it would
 * cache modules that Vite serves fresh on every edit.
 */
export function registerServiceWorker(isProduction: boolean): void {
  if (!isProduction || !('serviceWorker' in navigator)) return;
  const register = async () => {
    try {
      const registration = await navigator.serviceWorker.register('./sw.js', { scope: './' });
      await navigator.serviceWorker.ready;
      // Assets this page loaded before the worker took control: hand their URLs over to precache.
      const urls = performance
        .getEntriesByType('resource')
        .map((e) => e.name)
        .filter((u) => new URL(u).origin === location.origin);
      registration.active?.postMessage({ type: 'precache', urls: [location.pathname, ...urls] });
    } catch (e) {
      console.warn('Offline support is unavailable:', e);
    }
  };
  if (document.readyState === 'complete') void register();
  else window.addEventListener('load', () => void register(), { once: true });
}
