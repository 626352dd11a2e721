/**
 * The fixed parts of the timeline page: its style sheet, the marker shapes and the script that
 * lays the page out, zooms, pans and shows tooltips. Kept apart from `Timeline.ts` so the
 * renderer reads as "data in, elements out".
 *
 * @internal
 */
import type { Category } from "./eventKinds.js"

/** Colour and shape per category: distinct hues and luminances, and distinct shapes, so greyscale prints still tell them apart. @internal */
export const categoryStyle: Readonly<Record<Category, { readonly colour: string; readonly shape: string; readonly label: string }>> = {
  room: { colour: "#1f5fa8", shape: "circle", label: "room" },
  audio: { colour: "#2e8b3a", shape: "square", label: "audio" },
  video: { colour: "#8a56c2", shape: "triangle", label: "video" },
  network: { colour: "#d9822b", shape: "diamond", label: "network" },
  device: { colour: "#6b6b6b", shape: "hexagon", label: "device" },
  failure: { colour: "#c4161c", shape: "cross", label: "failure" }
}

/** SVG path of each shape, centred on 0,0, about 10 px across. @internal */
export const shapePath: Readonly<Record<string, string>> = {
  circle: "M-4.5,0a4.5,4.5 0 1,0 9,0a4.5,4.5 0 1,0 -9,0Z",
  square: "M-4,-4H4V4H-4Z",
  triangle: "M0,-5L5,4H-5Z",
  diamond: "M0,-5.5L5.5,0L0,5.5L-5.5,0Z",
  hexagon: "M-2.5,-4.5H2.5L5,0L2.5,4.5H-2.5L-5,0Z",
  cross: "M-5,-3L-3,-5L0,-2L3,-5L5,-3L2,0L5,3L3,5L0,2L-3,5L-5,3L-2,0Z"
}

/** @internal */
export const style = `
*{box-sizing:border-box}
body{margin:0;font:13px/1.4 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1b1b1b;background:#fff}
header{position:sticky;top:0;z-index:3;background:#fff;border-bottom:1px solid #ccc;padding:6px 10px}
h1{font-size:15px;margin:0 0 4px}
.controls{display:flex;gap:6px;align-items:center;flex-wrap:wrap}
.controls button{font:inherit;padding:2px 8px;border:1px solid #888;background:#f4f4f4;border-radius:3px;cursor:pointer}
.controls button:focus-visible,.marker:focus-visible{outline:2px solid #000;outline-offset:1px}
#range,#cursor{color:#444;font-variant-numeric:tabular-nums}
.legend{display:flex;gap:14px;flex-wrap:wrap;list-style:none;margin:4px 0 0;padding:0}
.legend li{display:flex;align-items:center;gap:4px}
.legend svg{width:14px;height:14px;overflow:visible}
#view{position:relative}
.row{display:grid;grid-template-columns:var(--label) 1fr;align-items:stretch;border-bottom:1px solid #eee}
.axis-row{position:sticky;top:var(--header);z-index:2;background:#fff;border-bottom:1px solid #bbb}
.label{padding:4px 8px;overflow:hidden;text-overflow:ellipsis;white-space:nowrap;border-right:1px solid #ddd}
.label .verdict{display:block;font-size:11px;color:#555;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.label .verdict.problem{color:#a10f14;font-weight:600}
svg.track,svg.axis{display:block;width:100%;overflow:hidden;cursor:grab;touch-action:none}
svg.track.dragging{cursor:grabbing}
.session{fill:#c9dcf2;stroke:#5b84b8;stroke-width:1}
.gap{fill:#fff;stroke:#c4161c;stroke-dasharray:2 2}
.marker path{stroke:#000;stroke-width:.7}
.marker.failure path{stroke-width:1}
.marker:hover path,.marker:focus path{stroke-width:2}
.metric{fill:none;stroke-width:1.2}
.metric.m0{stroke:#c4161c}.metric.m1{stroke:#1f5fa8;stroke-dasharray:4 2}.metric.m2{stroke:#2e8b3a;stroke-dasharray:1 2}
.tick line{stroke:#999}.tick text{font-size:11px;fill:#333}
#tip{position:fixed;z-index:5;max-width:360px;background:#1b1b1b;color:#fff;padding:6px 8px;border-radius:4px;font-size:12px;pointer-events:none;white-space:pre-line}
#tip[hidden]{display:none}
#tip strong{display:block;font-size:13px;margin-bottom:2px}
`

/**
 * The page's script. It reads everything from the DOM contract (`data-*` attributes), so the
 * page works the same whoever produced it: lay out at "fit", wheel/buttons/keys to zoom, drag or
 * arrows to pan, hover or focus a marker for its tooltip.
 *
 * @internal
 */
export const script = `
(function(){
"use strict";
var root=document.getElementById("view"),tip=document.getElementById("tip"),rangeOut=document.getElementById("range"),cursorOut=document.getElementById("cursor");
var callStart=+root.getAttribute("data-start-ms"),callEnd=+root.getAttribute("data-end-ms");
if(!(callEnd>callStart))callEnd=callStart+1000;
var pad=8,markerY=+root.getAttribute("data-marker-y"),view={a:callStart,b:callEnd};
var tracks=[].slice.call(document.querySelectorAll("svg.track"));
var axis=document.querySelector("svg.axis");
var markers=[],bars=[],lines=[];
tracks.forEach(function(svg){
  [].forEach.call(svg.querySelectorAll(".marker"),function(m){markers.push({el:m,t:+m.getAttribute("data-time-ms")});});
  [].forEach.call(svg.querySelectorAll("[data-start-ms]"),function(r){bars.push({el:r,a:+r.getAttribute("data-start-ms"),b:+r.getAttribute("data-end-ms")});});
  [].forEach.call(svg.querySelectorAll("polyline.metric"),function(p){
    var pts=(p.getAttribute("data-points")||"").split(" ").filter(Boolean).map(function(s){var i=s.indexOf(",");return [+s.slice(0,i)*1000,+s.slice(i+1)];});
    var max=0;pts.forEach(function(q){if(q[1]>max)max=q[1];});
    lines.push({el:p,pts:pts,max:max||1,top:+p.getAttribute("data-top"),h:+p.getAttribute("data-height")});
  });
});
function width(){return Math.max(50,(tracks[0]||axis).getBoundingClientRect().width);}
function x(t,w){return pad+(t-view.a)/(view.b-view.a)*(w-2*pad);}
function fmtLocal(t,withMs){var d=new Date(t);var s=d.toLocaleString(undefined,{year:"numeric",month:"2-digit",day:"2-digit",hour:"2-digit",minute:"2-digit",second:"2-digit",hour12:false});return withMs?s+"."+String(d.getMilliseconds()).padStart(3,"0"):s;}
function fmtUtc(t){return new Date(t).toISOString().replace("T"," ").replace("Z"," UTC");}
var steps=[1e3,2e3,5e3,1e4,15e3,3e4,6e4,12e4,3e5,6e5,9e5,18e5,36e5,72e5,108e5,216e5,432e5,864e5];
function drawAxis(w){
  while(axis.firstChild)axis.removeChild(axis.firstChild);
  var span=view.b-view.a,step=steps[steps.length-1];
  for(var i=0;i<steps.length;i++){if(span/steps[i]<=Math.max(2,w/110)){step=steps[i];break;}}
  var off=new Date(view.a).getTimezoneOffset()*6e4;
  var first=Math.ceil((view.a-off)/step)*step+off;
  var ns="http://www.w3.org/2000/svg";
  for(var t=first;t<=view.b;t+=step){
    var g=document.createElementNS(ns,"g");g.setAttribute("class","tick");g.setAttribute("transform","translate("+x(t,w).toFixed(1)+",0)");
    var l=document.createElementNS(ns,"line");l.setAttribute("y1","18");l.setAttribute("y2","26");g.appendChild(l);
    var px=x(t,w),tx=document.createElementNS(ns,"text");tx.setAttribute("y","14");tx.setAttribute("text-anchor",px<30?"start":px>w-30?"end":"middle");
    tx.textContent=new Date(t).toLocaleTimeString(undefined,step<6e4?{hour:"2-digit",minute:"2-digit",second:"2-digit",hour12:false}:{hour:"2-digit",minute:"2-digit",hour12:false});
    g.appendChild(tx);
    var ti=document.createElementNS(ns,"title");ti.textContent=fmtUtc(t);g.appendChild(ti);
    axis.appendChild(g);
  }
}
var pending=false;
function layout(){
  pending=false;
  var w=width();
  for(var i=0;i<markers.length;i++){var m=markers[i],px=x(m.t,w);
    if(px<-20||px>w+20){if(m.on!==false){m.el.style.display="none";m.on=false;}continue;}
    if(m.on===false){m.el.style.display="";m.on=true;}
    m.el.setAttribute("transform","translate("+px.toFixed(1)+","+markerY+")");}
  for(var j=0;j<bars.length;j++){var b=bars[j],x1=Math.max(-10,x(b.a,w)),x2=Math.min(w+10,x(b.b,w));
    b.el.setAttribute("x",x1.toFixed(1));b.el.setAttribute("width",Math.max(1,x2-x1).toFixed(1));}
  for(var k=0;k<lines.length;k++){var L=lines[k],out=[];
    for(var q=0;q<L.pts.length;q++){var p=L.pts[q];out.push(x(p[0],w).toFixed(1)+","+(L.top+L.h-p[1]/L.max*L.h).toFixed(1));}
    L.el.setAttribute("points",out.join(" "));}
  drawAxis(w);
  rangeOut.textContent=fmtLocal(view.a,false)+" – "+fmtLocal(view.b,false)+" (local)";
}
function schedule(){if(!pending){pending=true;requestAnimationFrame(layout);}}
function clampView(){var min=1000,span=Math.max(min,Math.min(callEnd-callStart,view.b-view.a));
  if(view.a<callStart){view.a=callStart;}view.b=view.a+span;if(view.b>callEnd){view.b=callEnd;view.a=callEnd-span;}}
function zoom(f,at){var c=at===undefined?(view.a+view.b)/2:at;view.a=c-(c-view.a)*f;view.b=c+(view.b-c)*f;clampView();schedule();}
function pan(f){var d=(view.b-view.a)*f;view.a+=d;view.b+=d;clampView();schedule();}
function fit(){view.a=callStart;view.b=callEnd;layout();}
function timeAt(clientX){var r=(tracks[0]||axis).getBoundingClientRect();return view.a+(clientX-r.left-pad)/(r.width-2*pad)*(view.b-view.a);}
document.querySelector(".controls").addEventListener("click",function(e){var a=e.target&&e.target.getAttribute&&e.target.getAttribute("data-action");
  if(a==="fit")fit();else if(a==="zoom-in")zoom(0.5);else if(a==="zoom-out")zoom(2);else if(a==="left")pan(-0.25);else if(a==="right")pan(0.25);});
root.addEventListener("wheel",function(e){e.preventDefault();zoom(e.deltaY>0?1.25:0.8,timeAt(e.clientX));},{passive:false});
var drag=null;
root.addEventListener("pointerdown",function(e){if(e.target.closest&&e.target.closest(".marker"))return;drag={x:e.clientX,a:view.a,b:view.b};});
window.addEventListener("pointermove",function(e){
  if(cursorOut&&root.contains(e.target)){var t=timeAt(e.clientX);if(t>=callStart&&t<=callEnd)cursorOut.textContent="cursor "+fmtLocal(t,false)+" local · "+fmtUtc(t);}
  if(!drag)return;var w=width()-2*pad,d=(e.clientX-drag.x)/w*(drag.b-drag.a);view.a=drag.a-d;view.b=drag.b-d;clampView();schedule();});
window.addEventListener("pointerup",function(){drag=null;});
document.addEventListener("keydown",function(e){
  if(e.target&&e.target.tagName==="BUTTON")return;
  if(e.key==="+"||e.key==="=")zoom(0.5);else if(e.key==="-")zoom(2);else if(e.key==="0"||e.key==="f")fit();
  else if(e.key==="ArrowLeft"&&e.shiftKey)pan(-0.25);else if(e.key==="ArrowRight"&&e.shiftKey)pan(0.25);else if(e.key==="Escape")hide();else return;
  e.preventDefault();});
function show(m){
  var t=+m.getAttribute("data-time-ms");
  while(tip.firstChild)tip.removeChild(tip.firstChild);
  var s=document.createElement("strong");s.textContent=m.getAttribute("data-description");tip.appendChild(s);
  var lines=[m.getAttribute("data-category")+" · event "+m.getAttribute("data-event-id")+" · parameters "+m.getAttribute("data-params"),
    "user "+m.getAttribute("data-user")+(m.getAttribute("data-peer")?" · about "+m.getAttribute("data-peer"):"")+" · "+(m.getAttribute("data-stream")||"non-video"),
    fmtLocal(t,true)+" local","UTC "+fmtUtc(t)];
  tip.appendChild(document.createTextNode(lines.join("\\n")));
  tip.hidden=false;m.setAttribute("aria-describedby","tip");
  var r=m.getBoundingClientRect(),tw=tip.offsetWidth,th=tip.offsetHeight;
  var left=Math.min(window.innerWidth-tw-4,Math.max(4,r.left+r.width/2-tw/2)),top=r.bottom+6;
  if(top+th>window.innerHeight-4)top=Math.max(4,r.top-th-6);
  tip.style.left=left+"px";tip.style.top=top+"px";
}
function hide(){tip.hidden=true;}
root.addEventListener("mouseover",function(e){var m=e.target.closest&&e.target.closest(".marker");if(m)show(m);});
root.addEventListener("mouseout",function(e){var m=e.target.closest&&e.target.closest(".marker");if(m&&!m.contains(e.relatedTarget)&&document.activeElement!==m)hide();});
root.addEventListener("focusin",function(e){var m=e.target.closest&&e.target.closest(".marker");if(m)show(m);});
root.addEventListener("focusout",function(){hide();});
window.addEventListener("resize",schedule);
var header=document.querySelector("header");document.documentElement.style.setProperty("--header",header.offsetHeight+"px");
fit();
window.timeline={fit:fit,zoom:zoom,pan:pan,show:function(a,b){view.a=a;view.b=b;clampView();layout();},view:function(){return {startMs:view.a,endMs:view.b};},ready:true};
document.documentElement.setAttribute("data-ready","true");
})();
`
