/** /demo: a sample shop page with the widget embedded, as a customer would embed it; /demo?locale=en: an English page's widget. */
export function demoPage(inboxToken: string | null, locale: 'en' | null = null): string {
  const snippet = inboxToken
    ? `<script src="/widget.js" data-inbox="${escapeAttr(inboxToken)}"${locale ? ` data-locale="${locale}"` : ''} async></script>`
    : '<!-- no web inbox yet: create one in the console -->';
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>知客示例商城 · Zhike demo shop</title>
<style>
  /* Deliberately aggressive site CSS: the widget lives in a shadow root and must not be affected. */
  * { box-sizing: border-box; }
  body { margin: 0; font-family: Georgia, serif; background: #faf7f2; color: #333; }
  div, button, input, textarea { font-size: 22px !important; color: red; border: 3px dashed orange; }
  header { background: #8b4513; color: #fff; padding: 20px 40px; }
  header h1 { margin: 0; font-size: 28px; }
  main { display: grid; grid-template-columns: repeat(auto-fill, minmax(220px, 1fr)); gap: 24px; padding: 40px; }
  .card { background: #fff; padding: 20px; border-radius: 8px; box-shadow: 0 2px 8px rgba(0,0,0,.08); }
  .price { color: #c0392b; font-weight: bold; }
</style>
</head>
<body>
<header><h1>知客示例商城</h1><p>这是一个嵌入了在线客服插件的示例页面 · A sample page with the chat widget embedded</p></header>
<main>
  <section class="card"><h2>保温杯</h2><p class="price">¥ 89</p><p>316 不锈钢，12 小时保温。</p></section>
  <section class="card"><h2>蓝牙耳机</h2><p class="price">¥ 299</p><p>降噪，30 小时续航。</p></section>
  <section class="card"><h2>帆布包</h2><p class="price">¥ 59</p><p>加厚帆布，可机洗。</p></section>
</main>
${snippet}
</body>
</html>`;
}

function escapeAttr(s: string): string {
  return s.replace(/[&"<>]/g, (c) => ({ '&': '&amp;', '"': '&quot;', '<': '&lt;', '>': '&gt;' })[c]!);
}
