// Live updates of the simulator's page by short polling: every second, fetch this page again
// and swap in its #live region when it changed. The page works without this script.
"use strict";
(() => {
  const status = document.getElementById("updated");
  if (!document.getElementById("live")) return;
  status.textContent = "Live: updates every second.";
  let busy = false;
  async function refresh() {
    if (busy || document.hidden) return;
    busy = true;
    try {
      const response = await fetch(location.href, { cache: "no-store" });
      if (!response.ok) throw new Error("HTTP " + response.status);
      const fresh = new DOMParser()
        .parseFromString(await response.text(), "text/html")
        .getElementById("live");
      const region = document.getElementById("live");
      if (fresh && region && fresh.innerHTML !== region.innerHTML) {
        // Keep keyboard focus on the same link or button when the region is replaced.
        const focused = region.contains(document.activeElement) ? document.activeElement : null;
        const key = focused && (focused.getAttribute("href") || focused.closest("form")?.getAttribute("action"));
        region.replaceWith(document.adoptNode(fresh));
        if (key) {
          const again = fresh.querySelector(`[href="${CSS.escape(key)}"], form[action="${CSS.escape(key)}"] button`);
          if (again) again.focus();
        }
        status.textContent = "Live: last change shown at " + new Date().toLocaleTimeString() + ".";
      } else if (status.textContent.startsWith("Live updates paused")) {
        status.textContent = "Live: updates every second.";
      }
    } catch (error) {
      status.textContent = "Live updates paused (" + error.message + "); retrying.";
    } finally {
      busy = false;
    }
  }
  setInterval(refresh, 1000);
})();
