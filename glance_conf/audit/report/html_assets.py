# Licensed under the Apache License, Version 2.0 (the "License"); you may
# not use this file except in compliance with the License. You may obtain
# a copy of the License at
#
#      http://www.apache.org/licenses/LICENSE-2.0
#
# Unless required by applicable law or agreed to in writing, software
# distributed under the License is distributed on an "AS IS" BASIS, WITHOUT
# WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the
# License for the specific language governing permissions and limitations
# under the License.

"""The HTML report's own style, page skeleton and script, inline.

Kept apart from the logic that fills the page: no external script,
style, font or image, so the page works offline. The script reads the
data island (``gc-data``) and escapes every text before it writes it
into the page.
"""

STYLE = '''
body{font:14px/1.4 system-ui,sans-serif;margin:1em 2em;color:#111}
h1{font-size:1.5em}table{border-collapse:collapse}
th,td{border:1px solid #bbb;padding:2px 6px;text-align:left}
.counts{display:flex;gap:.5em;list-style:none;padding:0}
.sev{border:2px solid #333;border-radius:4px;padding:.4em .8em;
background:#fff;cursor:pointer}
.sev[aria-pressed=true]{outline:3px solid #000}
.s3{background:#f4b6b6}.s2{background:#f9d9a6}.s1{background:#fff3b0}
.s0{background:#dde8f7}
dl{display:grid;grid-template-columns:max-content auto;gap:.2em 1em}
dt{font-weight:bold}dd{margin:0}
#heat td{font-size:12px;white-space:nowrap;cursor:pointer}
#heat td.g{background:#c8ecc8}#heat td.b{background:#f4b6b6}
#heat td.o{background:#e6e6e6}#heat td.n{background:#fff;color:#777}
#heat td.m{outline:3px solid #000;outline-offset:-3px;font-weight:bold}
#heat th.grp{background:#333;color:#fff}
#cell-info{min-height:1.5em;font-family:monospace}
.waived{color:#555;font-style:italic}.known{color:#555}
.tag{border:1px solid #666;border-radius:3px;padding:0 3px;font-size:11px}
#findings th button{font:inherit;border:0;background:none;cursor:pointer}
#trust tr.weak td{background:#f4b6b6}
.filters{display:flex;gap:1em;flex-wrap:wrap;margin:.5em 0}
'''

BODY = '''
<section id="drift" aria-labelledby="drift-h">
<h2 id="drift-h">Drift heat-map</h2>
<p>Each row is a host, grouped by drift group; each column a posture
setting. &#10003; safe value, &#10007; unsafe, &#183; other; a cell marked
&#8800; and outlined holds a value GC601 blames in its group: the weaker
side of a difference, or the minority where no value is safer.
Hover or click a cell for the file and line.</p>
<p id="heat-note"></p>
<p id="cell-info" aria-live="polite"></p>
<table id="heat"></table>
</section>
<section id="list" aria-labelledby="list-h">
<h2 id="list-h">Findings</h2>
<p id="list-note"></p>
<div class="filters">
<label>Severity <select id="f-sev"><option value="">all</option></select>
</label>
<label>Check <select id="f-check"><option value="">all</option></select>
</label>
<label>Group <select id="f-group"><option value="">all</option></select>
</label>
<label>Host <input id="f-host" type="search" placeholder="host name">
</label>
<label>State <select id="f-state"><option value="">all</option>
<option>open</option><option>waived</option><option>known</option>
</select></label>
</div>
<p><span id="shown-count">0</span> finding(s) match; the first
<span id="drawn"></span> are drawn.
<button type="button" id="all-rows" hidden>Draw them all</button></p>
<table id="findings"><thead><tr>
<th scope="col"><button type="button" data-sort="0">Severity</button></th>
<th scope="col"><button type="button" data-sort="1">Check</button></th>
<th scope="col"><button type="button" data-sort="2">Host</button></th>
<th scope="col"><button type="button" data-sort="4">Option</button></th>
<th scope="col"><button type="button" data-sort="5">Where</button></th>
<th scope="col">Message</th>
<th scope="col"><button type="button" data-sort="8">State</button></th>
</tr></thead><tbody></tbody></table>
</section>
'''

SCRIPT = '''
(function(){
"use strict";
var D=JSON.parse(document.getElementById("gc-data").textContent);
function esc(s){return String(s).replace(/&/g,"&amp;").replace(/</g,"&lt;")
.replace(/>/g,"&gt;").replace(/"/g,"&quot;").replace(/'/g,"&#39;");}
function $(id){return document.getElementById(id);}
var SYM={g:"\\u2713",b:"\\u2717",o:"\\u00b7"};
var LIMIT=D.perGroup,OPEN={},G=[];
function rowHtml(i){
 var r=D.hosts[i],g=r[1],h=["<tr data-i=\\""+i+"\\"><th scope=\\"row\\">"+
  esc(r[0])+"</th>"];
 r[3].forEach(function(v,c){
  if(v<0){h.push("<td class=\\"n\\" data-c=\\""+c+"\\">not compared</td>");
   return;}
  var odd=D.blamed[g][c].indexOf(v)>=0,k=D.verd[c][v];
  h.push("<td class=\\""+k+(odd?" m":"")+"\\" data-c=\\""+c+"\\">"+
   (odd?"\\u2260 ":"")+SYM[k]+" "+esc(D.vals[c][v])+"</td>");});
 return h.join("")+"</tr>";}
function groupHtml(g){
 var ids=G[g].ids,n=OPEN[g]?ids.length:Math.min(LIMIT,ids.length),
  h=["<tbody data-g=\\""+g+"\\"><tr><th scope=\\"rowgroup\\" class=\\"grp\\" "+
  "colspan=\\""+(D.cols.length+1)+"\\">Group "+esc(D.groups[g])+" ("+
  ids.length+" hosts, "+G[g].odd+" blamed by its drift)</th></tr>"];
 for(var k=0;k<n;k++){h.push(rowHtml(ids[k]));}
 if(n<ids.length){h.push("<tr><td colspan=\\""+(D.cols.length+1)+
  "\\"><button type=\\"button\\" class=\\"more\\" data-g=\\""+g+
  "\\">Show the "+
  (ids.length-n)+" other hosts of group "+esc(D.groups[g])+
  "</button></td></tr>");}
 return h.join("")+"</tbody>";}
function heat(){
 var t=$("heat");
 if(!D.hosts.length){$("heat-note").textContent=
  "No heat-map: it compares the hosts of a fleet (fleet mode).";return;}
 D.hosts.forEach(function(r,i){
  var g=G[r[1]]||(G[r[1]]={ids:[],oddIds:[],odd:0});
  var odd=r[3].some(function(v,c){return D.blamed[r[1]][c].indexOf(v)>=0;});
  if(odd){g.oddIds.push(i);g.odd++;}else{g.ids.push(i);}});
 G.forEach(function(g){g.ids=g.oddIds.concat(g.ids);});
 $("heat-note").textContent="Hosts their group's drift blames come "+
  "first; at most "+LIMIT+" hosts per group are drawn until asked."+
  (D.dropped?" "+D.dropped+" more host(s) were not kept.":"");
 var h=["<thead><tr><th scope=\\"col\\">Host</th>"];
 D.cols.forEach(function(c){h.push("<th scope=\\"col\\">"+esc(c)+"</th>");});
 h.push("</tr></thead>");
 G.forEach(function(_,g){h.push(groupHtml(g));});
 t.innerHTML=h.join("");
 function where(td){
  var r=D.hosts[+td.parentNode.getAttribute("data-i")],
   c=+td.getAttribute("data-c"),l=r[4][c];
  return r[0]+": "+D.opts[c]+" \\u2014 "+r[2]+(l?":"+l:
   " (not set in the file: the default)");}
 t.addEventListener("mouseover",function(e){var td=e.target.closest("td");
  if(td&&td.hasAttribute("data-c")&&!td.title){td.title=where(td);}});
 t.addEventListener("click",function(e){
  var b=e.target.closest("button.more");
  if(b){var g=+b.getAttribute("data-g");OPEN[g]=true;
   b.closest("tbody").outerHTML=groupHtml(g);return;}
  var td=e.target.closest("td");
  if(td&&td.hasAttribute("data-c")){$("cell-info").textContent=where(td);}});
}
var sortCol=0,sortDir=-1,ROWS=D.drawn,ALL=false;
function opt(sel,v,label){var o=document.createElement("option");
 o.value=v;o.textContent=label;$(sel).appendChild(o);}
function table(){
 var s=$("f-sev").value,c=$("f-check").value,g=$("f-group").value,
  h=$("f-host").value.toLowerCase(),st=$("f-state").value;
 var rows=D.findings.filter(function(f){
  return (s===""||f[0]===+s)&&(c===""||f[1]===+c)&&(g===""||f[3]===+g)&&
   (h===""||f[2].toLowerCase().indexOf(h)>=0)&&(st===""||f[8]===st);});
 rows.sort(function(a,b){var x=a[sortCol],y=b[sortCol];
  if(sortCol===1){x=D.checks[x][0];y=D.checks[y][0];}
  return x<y?-sortDir:x>y?sortDir:0;});
 var out=(ALL?rows:rows.slice(0,ROWS)).map(function(f){
  var ck=D.checks[f[1]],w=f[5]?f[5]+(f[6]?":"+f[6]:""):"-",
   tag=f[8]==="open"?"open":f[8]==="waived"?"\\u2298 waived":
    "\\u25cb known (baseline)";
  if(f[10]===true){tag+=" <span class=\\"tag\\">new</span>";}
  return "<tr class=\\""+f[8]+"\\"><td class=\\"s"+f[0]+"\\">"+
   esc(D.sev[f[0]])+"</td><td><a href=\\""+esc(D.docs+"#"+
   ck[0].toLowerCase())+"\\" title=\\""+esc(ck[1])+"\\">"+esc(ck[0])+
   "</a></td><td>"+esc(f[2]||"-")+"</td><td>"+esc(f[4]||"-")+
   "</td><td>"+esc(w)+"</td><td>"+esc(f[7])+
   (f[9]?" <em>Waived: "+esc(f[9])+"</em>":"")+"</td><td>"+tag+
   "</td></tr>";});
 document.querySelector("#findings tbody").innerHTML=out.join("");
 $("shown-count").textContent=rows.length;
 $("all-rows").hidden=ALL||rows.length<=ROWS;
}
function list(){
 if(D.shownTotal<D.total){$("list-note").textContent="The "+D.shownTotal+
  " most severe of "+D.total+" findings are listed; the counts above "+
  "are exact. The JSON report has them all.";}
 $("drawn").textContent=ROWS;
 D.sev.forEach(function(l,i){opt("f-sev",i,l);});
 D.checks.forEach(function(c,i){opt("f-check",i,c[0]);});
 D.groups.forEach(function(n,i){opt("f-group",i,n);});
 function filtered(){ALL=false;table();}
 ["f-sev","f-check","f-group","f-state"].forEach(function(id){
  $(id).addEventListener("change",filtered);});
 $("f-host").addEventListener("input",filtered);
 $("all-rows").addEventListener("click",function(){ALL=true;table();});
 document.querySelectorAll("#findings th button").forEach(function(b){
  b.addEventListener("click",function(){var c=+b.getAttribute("data-sort");
   sortDir=c===sortCol?-sortDir:1;sortCol=c;table();});});
 document.querySelectorAll("button.sev").forEach(function(b){
  b.addEventListener("click",function(){
   var on=b.getAttribute("aria-pressed")!=="true";
   document.querySelectorAll("button.sev").forEach(function(o){
    o.setAttribute("aria-pressed","false");});
   b.setAttribute("aria-pressed",on?"true":"false");
   $("f-sev").value=on?b.getAttribute("data-sev"):"";filtered();});});
 table();
}
heat();list();
document.body.setAttribute("data-ready","1");
document.body.setAttribute("data-ready-ms",Math.round(performance.now()));
})();
'''
