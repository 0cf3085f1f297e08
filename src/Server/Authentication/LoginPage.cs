using System.Text.Encodings.Web;

namespace Dashboard.Server.Authentication;

/// <summary>
/// The login and logout pages: plain server-rendered HTML with a form, so that they work before (and without) the
/// WebAssembly app, load nothing that needs a login, and stay within the same Content-Security-Policy.
/// </summary>
internal static class LoginPage
{
    public static string Login(string formField, string requestToken, string returnUrl, string? error) => Page(
        "Log in",
        $"""
            <p class="lead">This dashboard shows every process and namespace of its host. Enter its access token to continue.</p>
            {Error(error)}
            <form method="post" action="/login">
              <input type="hidden" name="{Html(formField)}" value="{Html(requestToken)}">
              <input type="hidden" name="returnUrl" value="{Html(returnUrl)}">
              <label for="token">Access token</label>
              <input id="token" name="token" type="password" autocomplete="current-password" spellcheck="false" required autofocus>
              <button type="submit">Log in</button>
            </form>
            <p class="hint">The token is the one in <code>Dashboard:AccessToken</code> (or <code>AccessTokenFile</code>). When none is
            configured, the server made one at start and printed a login URL in its log, <code>…/login?t=…</code>: open that instead.
            Scripts send the token as <code>Authorization: Bearer &lt;token&gt;</code>.</p>
            """);

    public static string Logout(string formField, string requestToken, string? error) => Page(
        "Log out",
        $"""
            <p class="lead">Log out of the dashboard in this browser?</p>
            {Error(error)}
            <form method="post" action="/logout">
              <input type="hidden" name="{Html(formField)}" value="{Html(requestToken)}">
              <button type="submit">Log out</button>
            </form>
            <p class="hint"><a href="/">Back to the dashboard</a></p>
            """);

    private static string Error(string? error) =>
        error is null ? "" : $"""<p class="error" role="alert">{Html(error)}</p>""";

    private static string Html(string text) => HtmlEncoder.Default.Encode(text);

    // The styles are inline: the policy allows inline styles anyway (MudBlazor needs them), never inline scripts.
    private static string Page(string title, string body) => $$"""
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="robots" content="noindex">
        <title>{{title}} · Container Namespace Dashboard</title>
        <link rel="icon" type="image/svg+xml" href="/favicon.svg">
        <style>
          :root { color-scheme: light dark; --accent: #3949ab; --bg: #f3f4f8; --card: #fff; --text: #1f2430; --muted: #5f6677; --line: #d5d8e0; }
          @media (prefers-color-scheme: dark) { :root { --accent: #7986cb; --bg: #15171c; --card: #1f222a; --text: #e6e8ee; --muted: #9aa1b2; --line: #3a3f4b; } }
          * { box-sizing: border-box; }
          body { margin: 0; min-height: 100vh; display: grid; place-items: center; padding: 1.5rem;
                 font: 15px/1.5 Roboto, system-ui, -apple-system, "Segoe UI", sans-serif; background: var(--bg); color: var(--text); }
          main { width: 100%; max-width: 26rem; background: var(--card); border: 1px solid var(--line); border-radius: 12px;
                 padding: 2rem; box-shadow: 0 10px 30px rgba(0,0,0,.08); }
          header { display: flex; align-items: center; gap: .85rem; margin-bottom: 1.25rem; }
          header svg { flex: none; }
          h1 { font-size: 1.15rem; margin: 0; font-weight: 600; }
          header p { margin: 0; color: var(--muted); font-size: .9rem; }
          .lead { margin: 0 0 1rem; }
          label { display: block; font-weight: 500; margin-bottom: .35rem; }
          input[type=password] { width: 100%; padding: .65rem .75rem; font: inherit; font-family: ui-monospace, SFMono-Regular, Menlo, monospace;
                 border: 1px solid var(--line); border-radius: 8px; background: transparent; color: inherit; }
          input[type=password]:focus { outline: 2px solid var(--accent); outline-offset: 1px; border-color: transparent; }
          button { margin-top: 1rem; width: 100%; padding: .7rem; font: inherit; font-weight: 600; color: #fff; background: var(--accent);
                 border: 0; border-radius: 8px; cursor: pointer; }
          button:hover { filter: brightness(1.08); }
          .error { margin: 0 0 1rem; padding: .6rem .75rem; border-radius: 8px; background: rgba(211,47,47,.12); color: #d32f2f; }
          .hint { margin: 1.25rem 0 0; font-size: .85rem; color: var(--muted); }
          code { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: .85em; }
          a { color: var(--accent); }
        </style>
        </head>
        <body>
        <main>
          <header>
            <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32" width="40" height="40" aria-hidden="true"><rect x="2" y="2" width="28" height="28" rx="6" fill="#3949ab"/><rect x="7" y="7" width="18" height="18" rx="3" fill="none" stroke="#fff" stroke-width="2.5"/><rect x="12" y="12" width="8" height="8" rx="1.5" fill="#fff"/></svg>
            <div><h1>Container Namespace Dashboard</h1><p>{{title}}</p></div>
          </header>
        {{body}}
        </main>
        </body>
        </html>
        """;
}
