(function (exports, require, module, __filename, __dirname) { "use strict"; const __pgreplBundleUrl = require("node:url").pathToFileURL(__filename).href;
"use strict";var __defProp=Object.defineProperty;var __getOwnPropDesc=Object.getOwnPropertyDescriptor;var __getOwnPropNames=Object.getOwnPropertyNames;var __hasOwnProp=Object.prototype.hasOwnProperty;var __export=(target,all)=>{for(var name in all)__defProp(target,name,{get:all[name],enumerable:!0})},__copyProps=(to,from,except,desc)=>{if(from&&typeof from=="object"||typeof from=="function")for(let key of __getOwnPropNames(from))!__hasOwnProp.call(to,key)&&key!==except&&__defProp(to,key,{get:()=>from[key],enumerable:!(desc=__getOwnPropDesc(from,key))||desc.enumerable});return to};var __toCommonJS=mod=>__copyProps(__defProp({},"__esModule",{value:!0}),mod);var bin_exports={};__export(bin_exports,{bufferIO:()=>bufferIO,main:()=>main,run:()=>run2});module.exports=__toCommonJS(bin_exports);var import_node_fs3=require("node:fs"),import_node_module=require("node:module");var import_node_fs=require("node:fs");function startsCharacter(s,i){let c=s.charCodeAt(i);return c<56320||c>57343||i===0||(s.charCodeAt(i-1)&64512)!==55296}function charactersBetween(s,from,to){let n=0;for(let i=from;i<to;i++)startsCharacter(s,i)&&n++;return n}function readStream(fd,maxBytes){let chunks=[],total=0,buf=Buffer.alloc(64*1024);for(;;){let n;try{n=(0,import_node_fs.readSync)(fd,buf,0,buf.length,null)}catch(e){let code=e.code;if(code==="EAGAIN"){Atomics.wait(new Int32Array(new SharedArrayBuffer(4)),0,0,5);continue}if(code==="EOF")break;return fsFailure(e)}if(n===0)break;if(total+=n,total>maxBytes)return{ok:!1,reason:`is more than ${formatSize(maxBytes)}; larger input is not read`,pos:null,kind:"invalid"};chunks.push(Buffer.from(buf.subarray(0,n)))}return decodeText(Buffer.concat(chunks,total))}function decodeText(buf){let nul=buf.indexOf(0);if(nul>=0)return{ok:!1,reason:"is not a text file (it contains NUL bytes)",pos:positionOf(buf,nul),kind:"invalid"};let bad=firstInvalidUtf8(buf);if(bad>=0)return{ok:!1,reason:`invalid UTF-8 (byte 0x${buf[bad].toString(16).padStart(2,"0")})`,pos:positionOf(buf,bad),kind:"invalid"};let text=Buffer.from(buf.buffer,buf.byteOffset,buf.byteLength).toString("utf8");return text.charCodeAt(0)===65279&&(text=text.slice(1)),{ok:!0,text}}function fsFailure(e){switch(e.code){case"ENOENT":return{ok:!1,reason:"no such file or directory",pos:null,kind:"missing"};case"EACCES":case"EPERM":return{ok:!1,reason:"permission denied",pos:null,kind:"unreadable"};case"EISDIR":return{ok:!1,reason:"is a directory, not a file",pos:null,kind:"unreadable"};case"ENOTDIR":return{ok:!1,reason:"a component of the path is not a directory",pos:null,kind:"missing"};case"ELOOP":return{ok:!1,reason:"too many levels of symbolic links",pos:null,kind:"unreadable"};default:return{ok:!1,reason:`cannot be read (${e.code??e.message})`,pos:null,kind:"unreadable"}}}function formatSize(n){return n>=1024*1024?`${Math.round(n/(1024*1024))} MiB`:n>=1024?`${Math.round(n/1024)} KiB`:`${n} bytes`}function positionOf(buf,offset){let line=1,lineStart=0;for(let i=0;i<offset;i++)buf[i]===10&&(line++,lineStart=i+1);let prefix=Buffer.from(buf.buffer,buf.byteOffset+lineStart,offset-lineStart).toString("utf8");return{line,column:1+charactersBetween(prefix,0,prefix.length)}}function firstInvalidUtf8(b){let i=0;for(;i<b.length;){let c=b[i];if(c<128){i++;continue}let need,min;if(c>=194&&c<=223)need=1,min=128;else if(c>=224&&c<=239)need=2,min=2048;else if(c>=240&&c<=244)need=3,min=65536;else return i;let cp=c&63>>need;for(let k=1;k<=need;k++){let cc=b[i+k];if(cc===void 0||(cc&192)!==128)return i;cp=cp<<6|cc&63}if(cp<min||cp>1114111||cp>=55296&&cp<=57343)return i;i+=need+1}return-1}function bufferIO(overrides={}){let out="",err="";return{stdout:t=>{out+=t},stderr:t=>{err+=t},cwd:overrides.cwd??"/",env:overrides.env??{},isTTY:overrides.isTTY??!1,now:overrides.now??new Date("2026-11-26T00:00:00Z"),out:()=>out,err:()=>err,...overrides}}function editDistance(a,b){let prev=new Array(b.length+1);for(let j=0;j<=b.length;j++)prev[j]=j;for(let i=1;i<=a.length;i++){let diag=prev[0];prev[0]=i;for(let j=1;j<=b.length;j++){let up=prev[j];prev[j]=Math.min(up+1,prev[j-1]+1,diag+(a[i-1]===b[j-1]?0:1)),diag=up}}return prev[b.length]}function closest(word,candidates,fold=s=>s.toLowerCase()){let lower=fold(word),best,bestDist=Math.max(2,Math.floor(word.length/3))+1;for(let c of candidates){let d=editDistance(lower,fold(c));d<bestDist&&(best=c,bestDist=d)}return best}function didYouMean(word,candidates){let c=closest(word,candidates);return c!==void 0?`; did you mean \`${c}\`?`:""}var COMMANDS=["validate","render","lint","explain"],FORMATS=["text","json","sarif","github"],FAIL_ON=["error","warning","info","never"],COLOR=["auto","always","never"],GLOBAL={"--debug":{type:"boolean",key:"debug"}},STDIN_FILENAME={type:"string",key:"stdinFilename"},OPTIONS={validate:{"--stdin-filename":STDIN_FILENAME},render:{"--stdin-filename":STDIN_FILENAME,"--out":{type:"string",key:"out"},"-o":{type:"string",key:"out"},"--check":{type:"boolean",key:"check"},"--force":{type:"boolean",key:"force"},"--prune":{type:"boolean",key:"prune"}},lint:{"--format":{type:"choice",key:"format",choices:FORMATS},"-f":{type:"choice",key:"format",choices:FORMATS},"--fail-on":{type:"choice",key:"failOn",choices:FAIL_ON},"--postgres":{type:"number",key:"postgres"},"--fs":{type:"boolean",key:"fs"},"--config":{type:"string",key:"config"},"--stdin-filename":STDIN_FILENAME,"--color":{type:"choice",key:"color",choices:COLOR}},explain:{}},ARITY={validate:[1,1/0],render:[1,1],lint:[1,1/0],explain:[1,1]},NUMBERISH=/^[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[-+]?\d+)?$|^0x[0-9a-f]+$/i,HELP=new Set(["--help","-h"]);function defaults(command){return{command,positionals:[],debug:!1,out:"out",check:!1,force:!1,prune:!1,format:"text",failOn:"warning",postgres:void 0,fs:!0,config:void 0,stdinFilename:void 0,color:"auto"}}function isCommand(s){return COMMANDS.includes(s??"")}function fastParse(argv){if(argv.length===1&&HELP.has(argv[0]))return{kind:"help",command:void 0};if(argv.length===1&&argv[0]==="--version")return{kind:"version"};let command=argv[0];if(!isCommand(command))return;if(argv.length===2&&HELP.has(argv[1]))return{kind:"help",command};let args=defaults(command),table=OPTIONS[command],seen=new Set;for(let i=1;i<argv.length;i++){let a=argv[i];if(!a.startsWith("-")||a==="-"){if(a===""||NUMBERISH.test(a))return;args.positionals.push(a);continue}let eq=a.startsWith("--")?a.indexOf("="):-1,name=eq>0?a.slice(0,eq):a;if(name==="--no-fs"&&command==="lint"&&eq<0){if(seen.has("fs"))return;seen.add("fs"),args.fs=!1;continue}let opt=GLOBAL[name]??table[name];if(!opt||seen.has(opt.key))return;if(seen.add(opt.key),opt.type==="boolean"){if(eq>0)return;let next=argv[i+1];if(next==="true"||next==="false")return;args[opt.key]=!0;continue}let value;if(eq>0?value=a.slice(eq+1):value=argv[++i],value===void 0||value===""||value.startsWith("-"))return;if(opt.type==="number"){if(!/^[1-9][0-9]{0,5}$/.test(value))return;args[opt.key]=Number(value)}else if(opt.type==="choice"){if(!opt.choices?.includes(value))return;args[opt.key]=value}else{if(NUMBERISH.test(value))return;args[opt.key]=value}}let[least,most]=ARITY[command];if(!(args.positionals.length<least||args.positionals.length>most))return{kind:"run",args}}var HELP2={"":`pgrepl-gen <command> [options]

Render and lint PostgreSQL streaming replication from a topology spec.

Commands:
  pgrepl-gen validate <spec..>  check topology specs (YAML or JSON) and print every problem
  pgrepl-gen render <spec>      write every artifact for every node of a spec
  pgrepl-gen lint <path..>      lint config trees, data directories, rendered output and specs
  pgrepl-gen explain <rule>     print a lint rule's documentation

Options:
      --debug    add stack traces to internal errors                      [boolean] [default: false]
      --version  Show version number                                                       [boolean]
  -h, --help     Show help                                                                 [boolean]
`,validate:`pgrepl-gen validate <spec..>

check topology specs (YAML or JSON) and print every problem

Positionals:
  spec  spec files (- reads standard input)                         [array] [required] [default: []]

Options:
      --debug           add stack traces to internal errors               [boolean] [default: false]
      --version         Show version number                                                [boolean]
      --stdin-filename  the name the problems of - (standard input) carry                   [string]
  -h, --help            Show help                                                          [boolean]

Examples:
  pgrepl-gen validate topology.yaml   # 0 when valid, else 1 and FILE:LINE:COL lines
  cat topology.yaml | pgrepl-gen validate -   # a spec on standard input
`,render:`pgrepl-gen render <spec>

write every artifact for every node of a spec

Positionals:
  spec  spec file (- reads standard input; its relative base paths resolve from the current
        directory)                                                               [string] [required]

Options:
      --debug           add stack traces to internal errors               [boolean] [default: false]
      --version         Show version number                                                [boolean]
  -o, --out             output directory                                   [string] [default: "out"]
      --check           write nothing; show a unified diff of drift between DIR and the spec, exit 1
                        on drift                                          [boolean] [default: false]
      --force           overwrite files render did not write or that were edited since
                                                                          [boolean] [default: false]
      --prune           remove files render wrote earlier for nodes no longer in the spec
                                                                          [boolean] [default: false]
      --stdin-filename  the name the problems of - (standard input) carry                   [string]
  -h, --help            Show help                                                          [boolean]

Examples:
  pgrepl-gen render fixtures/specs/seed.yaml --out out   # render the seed scenario into ./out
  pgrepl-gen render topology.yaml --out rendered --check   # exit 1 when rendered/ has drifted
`,lint:`pgrepl-gen lint <path..>

lint config trees, data directories, rendered output and specs

Positionals:
  path  files or directories (- reads one file from standard input) [array] [required] [default: []]

Options:
      --debug           add stack traces to internal errors               [boolean] [default: false]
      --version         Show version number                                                [boolean]
  -f, --format          output format [choices: "text", "json", "sarif", "github"] [default: "text"]
      --fail-on         lowest severity that makes the exit code 1
                                 [choices: "error", "warning", "info", "never"] [default: "warning"]
      --postgres        major version when it cannot be inferred                            [number]
      --fs              check owners and modes (--no-fs skips)             [boolean] [default: true]
      --config          config file (default: .pgrepl-gen.yaml found upward)                [string]
      --stdin-filename  the name findings of - carry; what - is follows from it (pg_hba*.conf,
                        *.conf, *.yaml/json), else from its content                         [string]
      --color           colours in text output: auto = on a terminal, unless NO_COLOR is set or
                        TERM=dumb             [choices: "auto", "always", "never"] [default: "auto"]
  -h, --help            Show help                                                          [boolean]

Examples:
  pgrepl-gen lint /etc/postgresql   # every Debian cluster on this host
  pgrepl-gen lint --no-fs --format github conf/ topology.yaml   # in CI or pre-commit
  git show :pg_hba.conf | pgrepl-gen lint --stdin-filename pg_hba.conf -   # a staged file
`,explain:`pgrepl-gen explain <rule>

print a lint rule's documentation

Positionals:
  rule  rule name                                                                [string] [required]

Options:
      --debug    add stack traces to internal errors                      [boolean] [default: false]
      --version  Show version number                                                       [boolean]
  -h, --help     Show help                                                                 [boolean]

Examples:
  pgrepl-gen explain hba-cidr-host-bits   # the rule's page
`};var importModule=()=>{throw new Error("the built CLI loads its modules through bin/pgrepl-gen.js")};var VERSION="0.1.0";var EXIT_OK=0;var EXIT_USAGE=2;async function main(argv,io,load=importModule){let first=argv[0];if(first!==void 0&&!first.startsWith("-")&&!isCommand(first))return io.stderr(`pgrepl-gen: unknown command \`${first}\`${didYouMean(first,COMMANDS)} (commands: ${COMMANDS.join(", ")})
`),EXIT_USAGE;let fast=fastParse(argv),args;if(fast?.kind==="help")return io.stdout(HELP2[fast.command??""]),EXIT_OK;if(fast?.kind==="version")return io.stdout(`${VERSION}
`),EXIT_OK;try{if(fast)args=fast.args;else{let r=(await load("yargs")).parseWithYargs(argv);if("failure"in r)return io.stderr(`pgrepl-gen: ${firstLine(r.failure)}
`),EXIT_USAGE;if("output"in r)return io.stdout(r.output),EXIT_OK;args=r.args}return await run(args,io,load)}catch(e){let err=e;return io.stderr(`pgrepl-gen: internal error: ${firstLine(err.message)} (please report it)
`),(args?.debug??argv.includes("--debug"))&&err.stack&&io.stderr(`${err.stack}
`),EXIT_USAGE}}async function run(args,io,load){if(args.positionals.filter(p=>p==="-").length>1)return io.stderr("pgrepl-gen: `-` (standard input) can be given only once\n"),EXIT_USAGE;switch(args.command){case"validate":return(await load("validate")).runValidate(args.positionals,io,args.stdinFilename);case"render":return(await load("render")).runRender({spec:args.positionals[0],out:args.out,check:args.check,force:args.force,prune:args.prune,stdinFilename:args.stdinFilename},io);case"lint":return(await load("lint")).runLint({paths:args.positionals,format:args.format,failOn:args.failOn,postgres:args.postgres,fs:args.fs,config:args.config,stdinFilename:args.stdinFilename,color:args.color},io);case"explain":return(await load("explain")).runExplain(args.positionals[0],io)}}function firstLine(s){return s.split(`
`)[0]??s}var import_node_fs2=require("node:fs"),closed=new Set;function writeAll(fd,text){for(let i=0;i<text.length&&!closed.has(fd);){let j=Math.min(text.length,i+WRITE_SLICE),last=text.charCodeAt(j-1);j<text.length&&last>=55296&&last<=56319&&j++,writeBuffer(fd,Buffer.from(text.slice(i,j),"utf8")),i=j}}var WRITE_SLICE=256*1024;function writeBuffer(fd,data){let buf=data;for(;buf.length>0;)try{buf=buf.subarray((0,import_node_fs2.writeSync)(fd,buf))}catch(e){if(e.code==="EAGAIN")Atomics.wait(new Int32Array(new SharedArrayBuffer(4)),0,0,2);else{closed.add(fd);return}}}function stdoutIsTTY(){try{let st=(0,import_node_fs3.fstatSync)(1);if(!st.isCharacterDevice()||st.rdev===(0,import_node_fs3.statSync)("/dev/null").rdev)return!1}catch{return!1}return(0,import_node_module.createRequire)(__pgreplBundleUrl)("node:tty").isatty(1)}function run2(load){main(process.argv.slice(2),{stdout:t=>writeAll(1,t),stderr:t=>writeAll(2,t),cwd:process.cwd(),env:process.env,isTTY:stdoutIsTTY(),now:new Date,readStdin:maxBytes=>readStream(0,maxBytes)},load).then(code=>{process.exitCode=code})}0&&(module.exports={bufferIO,main,run});

});
