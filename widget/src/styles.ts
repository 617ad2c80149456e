/**
 * The widget's own stylesheet, inside its shadow root. `:host { all: initial !important }`
 * matters: the shadow root keeps the page's selectors out, but inherited properties
 * (font, colour, line-height…) still flow in through the host element; in the
 * cascade an !important rule from inside the shadow beats the page's !important.
 * --c is the inbox colour (darkened if need be so that --f, the text on it, reaches WCAG AA
 * 4.5:1), --t a tint for hover; --m is muted text, AA on white and on the list's grey.
 */
export const CSS = `
:host{all:initial!important}
.w{--m:#5f6670;--r:#cf1322;font:14px/1.5 -apple-system,BlinkMacSystemFont,"Segoe UI","PingFang SC","Hiragino Sans GB","Microsoft YaHei","Noto Sans CJK SC",Roboto,"Helvetica Neue",Arial,sans-serif;color:#1f2329;-webkit-font-smoothing:antialiased;color-scheme:light;text-align:left;letter-spacing:normal;word-spacing:normal;text-transform:none}
*,*::before,*::after{box-sizing:border-box}
[hidden]{display:none!important}
button{font:inherit;color:inherit;background:none;border:0;padding:0;margin:0;cursor:pointer;-webkit-tap-highlight-color:transparent}
svg{display:block;flex:none}
:focus{outline:0}
:focus-visible{outline:2px solid var(--c);outline-offset:2px}
.l{position:fixed;right:20px;bottom:20px;z-index:2147483000;display:flex;align-items:center;gap:8px;height:52px;padding:0 20px 0 16px;border-radius:26px;background:var(--c);color:var(--f);font-size:15px;font-weight:600;box-shadow:0 6px 24px rgba(0,0,0,.16),0 2px 6px rgba(0,0,0,.1);transition:transform .15s,box-shadow .15s}
.l:hover{transform:translateY(-2px);box-shadow:0 10px 28px rgba(0,0,0,.2),0 2px 6px rgba(0,0,0,.1)}
.l:focus-visible{outline-color:#1f2329}
.bd{position:absolute;top:-6px;right:-4px;min-width:22px;height:22px;padding:0 6px;border-radius:11px;background:#f5222d;color:#fff;border:2px solid #fff;font-size:12px;line-height:18px;font-weight:600;text-align:center}
.p{position:fixed;right:20px;bottom:88px;z-index:2147483001;width:380px;height:min(640px,calc(100% - 108px));display:flex;flex-direction:column;background:#fff;border-radius:16px;overflow:hidden;box-shadow:0 16px 48px rgba(0,0,0,.18),0 2px 8px rgba(0,0,0,.08);animation:zk-in .18s ease-out;transform-origin:bottom right}
@keyframes zk-in{from{opacity:0;transform:translateY(12px) scale(.98)}}
.hd{flex:none;display:flex;align-items:center;gap:12px;padding:14px 10px 14px 16px;background:var(--c);color:var(--f)}
.av{flex:none;width:40px;height:40px;border-radius:50%;background:var(--t);display:flex;align-items:center;justify-content:center;font-size:17px;font-weight:600}
.hi{flex:1;min-width:0}
.ti{font-size:16px;font-weight:600;line-height:22px}
.ti,.st{white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.st{font-size:12px;line-height:18px}
.dot{display:inline-block;width:7px;height:7px;margin-right:6px;border-radius:50%;background:#52c41a;vertical-align:1px}
.dot.off,.dot.offline,.dot.connecting{background:#bfbfbf}
.dot.disconnected{background:#ff4d4f}
.dot.queued{background:#faad14}
.dot.bot{background:#69b1ff}
.sw{position:relative;flex:1;min-height:0;display:flex;flex-direction:column}
.nh{position:absolute;left:50%;bottom:10px;transform:translateX(-50%);padding:5px 14px;border-radius:14px;background:var(--c);color:var(--f);font-size:12.5px;box-shadow:0 2px 8px rgba(0,0,0,.18);white-space:nowrap}
.x{flex:none;width:36px;height:36px;border-radius:50%;display:flex;align-items:center;justify-content:center}
.x:hover{background:var(--t)}
.x:focus-visible{outline-color:currentColor;outline-offset:-2px}
.of,.cn{flex:none;display:flex;align-items:center;gap:8px;padding:8px 16px;font-size:12.5px}
.of{background:#fffbe6;color:#874d00;border-bottom:1px solid #ffe58f}
.cn{background:#fff2f0;color:var(--r);border-bottom:1px solid #ffccc7}
.cn button{margin-left:auto;text-decoration:underline}
.sp{flex:none;width:12px;height:12px;border:2px solid currentColor;border-right-color:transparent;border-radius:50%;animation:zk-spin .8s linear infinite}
@keyframes zk-spin{to{transform:rotate(360deg)}}
.sc{flex:1;overflow-y:auto;overscroll-behavior:contain;background:#f5f6f8;padding:16px 14px 4px}
.more{display:block;margin:0 auto 12px;padding:4px 12px;border-radius:12px;font-size:12px;color:var(--m)}
.more:hover{background:#e9ebee}
.m{display:flex;flex-direction:column;align-items:flex-start;margin:0 0 12px}
.m.me{align-items:flex-end}
.m.sys{align-items:center}
.nm{font-size:12px;color:var(--m);margin:0 4px 4px}
.bb{max-width:82%;padding:9px 13px;border-radius:16px 16px 16px 4px;background:#fff;box-shadow:0 1px 2px rgba(0,0,0,.06);white-space:pre-wrap;overflow-wrap:anywhere;word-break:break-word}
.me .bb{background:var(--c);color:var(--f);border-radius:16px 16px 4px 16px}
.sys .bb{max-width:90%;padding:0 8px;background:none;color:var(--m);font-size:12px;line-height:1.6;box-shadow:none;text-align:center}
.sys .mt{display:none}
.bb a{color:inherit;text-decoration:underline}
.bb.pic{padding:4px;background:#fff}
.bb img{display:block;max-width:100%;max-height:240px;min-width:40px;min-height:40px;border-radius:12px;background:#eceef1;object-fit:contain}
.bb>*+*{margin-top:6px}
.fl{display:flex;align-items:center;gap:8px;padding:4px 6px;text-decoration:none!important;white-space:normal}
.fl small{opacity:.7;white-space:nowrap}
.me .pic .fl{color:#1f2329}
.mt{display:flex;align-items:center;gap:6px;margin:4px 4px 0;font-size:11px;color:var(--m)}
.mt button{font-weight:600;text-decoration:underline}
.m[data-state=sending] .bb{opacity:.72}
.m[data-state=failed] .mt{color:var(--r)}
.dv{display:flex;align-items:center;gap:10px;margin:6px 0 16px;font-size:12px;color:var(--m)}
.dv::before,.dv::after{content:"";flex:1;height:1px;background:#dfe1e5}
.en{padding:2px 0 12px;text-align:center;font-size:12px;color:var(--m)}
.en .dv{margin:0 0 4px}
.ty .bb{display:flex;gap:4px;padding:13px 14px}
.ty i{width:6px;height:6px;border-radius:50%;background:#b0b4bb;animation:zk-b 1.2s infinite}
.ty i:nth-child(2){animation-delay:.15s}
.ty i:nth-child(3){animation-delay:.3s}
@keyframes zk-b{30%{transform:translateY(-4px);background:#7d828a}}
.cp{flex:none;position:relative;padding:8px 10px calc(10px + env(safe-area-inset-bottom,0px));border-top:1px solid #eef0f2;background:#fff}
.row{display:flex;align-items:flex-end;gap:2px}
.ib{flex:none;width:36px;height:36px;border-radius:8px;display:flex;align-items:center;justify-content:center;color:var(--m)}
.ib:hover,.ib[aria-expanded=true]{background:#f3f4f6;color:#1f2329}
textarea{flex:1;min-width:0;height:36px;max-height:120px;margin:0 4px;padding:7px 14px;border:0;border-radius:18px;background:#f3f4f6;font:inherit;line-height:22px;color:inherit;resize:none;outline:0;overflow-y:auto}
textarea:focus{background:#fff;box-shadow:inset 0 0 0 1.5px var(--c);outline:0}
textarea::placeholder{color:#a0a4ab}
.sd{flex:none;height:36px;padding:0 16px;border-radius:18px;background:var(--c);color:var(--f);font-weight:600}
.sd:disabled{opacity:.45;cursor:default}
.em{position:absolute;left:10px;bottom:calc(100% + 6px);width:min(318px,calc(100% - 20px));display:grid;grid-template-columns:repeat(8,1fr);gap:2px;padding:8px;background:#fff;border:1px solid #eef0f2;border-radius:12px;box-shadow:0 8px 28px rgba(0,0,0,.16)}
.em button{height:36px;border-radius:8px;font-size:22px;line-height:36px;font-family:"Apple Color Emoji","Segoe UI Emoji","Noto Color Emoji",sans-serif}
.em button:hover{background:#f3f4f6}
.nt{margin:0 6px 6px;font-size:12px;color:var(--r)}
.qu{background:#e6f4ff;color:#0958d9;border-color:#bae0ff}
.qu button{margin-left:auto;font-weight:600;text-decoration:underline;white-space:nowrap}
.th{display:block;margin:0 0 8px 4px;padding:3px 12px;border:1px solid #d0d3d9;border-radius:14px;font-size:12.5px}
.th:hover{border-color:var(--c)}
.tkb{flex:none;padding:4px 10px;border-radius:14px;font-size:12.5px;color:var(--f);border:1px solid currentColor}
.tkb:hover{background:var(--t)}
.tk{flex:1;min-height:0;overflow-y:auto;padding:12px 14px;background:#f5f6f7}
.tb{margin:0 0 10px}
.ti2{margin-bottom:12px;padding:10px 12px;border-radius:12px;background:#fff;box-shadow:0 1px 2px rgba(0,0,0,.06)}
.th2{display:flex;align-items:flex-start;justify-content:space-between;gap:8px;font-weight:600}
.tn{overflow-wrap:anywhere}
.ts{flex:none;padding:0 8px;border-radius:10px;background:#e6f4ff;color:#0958d9;font-size:12px;font-weight:400;line-height:20px}
.s-solved,.s-closed{background:#f6ffed;color:#237804}
.s-pending{background:#fff7e6;color:#ad4e00}
.tr{margin-top:8px}
.tr .bb{max-width:100%;background:#f5f6f7;box-shadow:none}
.tc{margin:10px 0 0}
.chs{display:flex;flex-direction:column;align-items:flex-start;gap:6px;margin:6px 0 2px}
.chip{max-width:100%;padding:5px 12px;border:1px solid #d0d3d9;border-radius:14px;background:#fff;color:#1f2329;font-size:13px;text-align:left;overflow-wrap:anywhere}
.chip:hover{border-color:var(--c)}
.fb{display:flex;align-items:center;flex-wrap:wrap;gap:6px;margin:4px 0 0;font-size:12px;color:var(--m)}
.fbb{padding:1px 10px;border:1px solid #d0d3d9;border-radius:12px;background:#fff;color:#1f2329;font-size:12px}
.fbb[aria-pressed=true]{border-color:var(--c);font-weight:600}
.pc{display:flex;flex-direction:column;gap:8px;margin:0 0 12px;padding:12px;background:#fff;border-radius:12px;box-shadow:0 1px 2px rgba(0,0,0,.06)}
.pc p{margin:0;font-size:13px;color:var(--m)}
.pc input{font:inherit;color:inherit;padding:7px 12px;border:1px solid #dfe1e5;border-radius:8px;outline:0;background:#fff}
.pc input:focus{border-color:var(--c)}
.pc [aria-invalid=true]{border-color:#f5222d}
.pc .nt{margin:-4px 2px 0}
.tp{display:flex;flex-wrap:wrap;gap:6px}
.tp span{width:100%;font-size:12px;color:var(--m)}
.tp button{padding:3px 12px;border:1px solid #dfe1e5;border-radius:14px;background:#fff}
.tp button[aria-pressed=true]{background:var(--c);color:var(--f);border-color:var(--c)}
.iv{position:fixed;right:20px;bottom:88px;z-index:2147483000;width:300px;max-width:calc(100% - 40px);padding:14px;background:#fff;border-radius:14px;box-shadow:0 12px 36px rgba(0,0,0,.2);white-space:pre-wrap;overflow-wrap:anywhere;animation:zk-in .18s ease-out}
.cp .iv{position:static;width:auto;max-width:none;margin:0 0 8px;padding:10px 12px;border:1px solid #eef0f2;box-shadow:none;animation:none}
.iv .nm{margin:0 0 4px}
.iv a{color:inherit}
.ivb{display:flex;justify-content:flex-end;gap:6px;margin-top:10px;white-space:normal}
.ivb .sd{height:32px}
.ivb button:first-child{padding:0 12px;color:var(--m)}
.ec span{flex:1}
.ec button{text-decoration:underline}
.ec .sd{height:28px;padding:0 12px;text-decoration:none}
.cs{align-self:stretch;margin-top:6px;padding:12px;border-radius:12px;background:#fff;box-shadow:0 1px 2px rgba(0,0,0,.06);text-align:center;font-size:13px}
.sta{padding:0 3px;font-size:26px;line-height:34px;color:#767676}
.sta.on,.stv{color:#b25d00}
.stv{margin-left:2px;letter-spacing:1px}
.csl{min-height:18px;margin-bottom:8px;font-size:12px;color:var(--m)}
.csr{display:flex;flex-wrap:wrap;justify-content:center;gap:6px;margin-bottom:8px}
.cs .chip[aria-pressed=true]{background:var(--c);color:var(--f);border-color:var(--c)}
.cs textarea{display:block;width:100%;height:auto;margin:0 0 8px;padding:6px 10px;border-radius:8px;line-height:20px}
.cs .sd{width:100%}
.cs .nt{margin:8px 0 0}
.cst{margin-bottom:4px;font-weight:600}
.lk{margin-top:6px;font-size:12px;color:var(--m);text-decoration:underline}
.cc{margin:4px 8px 0;font-size:11px;color:var(--m);text-align:right}
.cc.over{color:var(--r)}
@media (max-width:480px){.p{inset:0;width:auto;height:auto;border-radius:0;animation:none}.o .l{display:none}textarea,.pc input{font-size:16px}}
@media (prefers-reduced-motion:reduce){*{animation:none!important;transition:none!important}}
`;
