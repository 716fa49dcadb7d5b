// Small helpers the Blazor app calls: the page language and the clerk's keyboard shortcuts.
window.meetings = {
  // The language a link asks for (?lang=), else the one chosen here before; null leaves it to the browser's languages.
  askedLanguage: () => new URLSearchParams(location.search).get('lang') || localStorage.getItem('meetings.lang'),
  // Shows the language; a choice is kept here and in a cookie, so the server's pages follow it too.
  setLang: (lang, keep) => {
    document.documentElement.lang = lang;
    if (keep) {
      localStorage.setItem('meetings.lang', lang);
      document.cookie = `meetings.lang=${encodeURIComponent(lang)}; path=/; max-age=31536000; samesite=lax`;
    }
  },
  shortcuts: dotnet => {
    const handler = e => {
      if (e.key === 'Escape') { dotnet.invokeMethodAsync('Shortcut', 'escape'); return; }
      if (e.target.closest('input, textarea, select') || e.ctrlKey || e.metaKey || e.altKey) return;
      const key = e.key.toLowerCase();
      if (key.length === 1 && 'nsped+tr?'.includes(key)) { e.preventDefault(); dotnet.invokeMethodAsync('Shortcut', key); }
    };
    document.addEventListener('keydown', handler);
    return { dispose: () => document.removeEventListener('keydown', handler) };
  },
};
