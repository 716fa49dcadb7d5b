// Small helpers the Blazor app calls: the page language and the clerk's keyboard shortcuts.
window.meetings = {
  setLang: lang => { document.documentElement.lang = lang; },
  shortcuts: dotnet => {
    const handler = e => {
      if (e.target.closest('input, textarea, select') || e.ctrlKey || e.metaKey || e.altKey) return;
      const key = e.key.toLowerCase();
      if ('nsped+'.includes(key)) { e.preventDefault(); dotnet.invokeMethodAsync('Shortcut', key); }
    };
    document.addEventListener('keydown', handler);
    return { dispose: () => document.removeEventListener('keydown', handler) };
  },
};
